"""The lent-GPU driver's planning: each run's config gets the step count it can finish, the share
of GAN steps asked for, and its overrides; the probe's rate leaves the start-up tick out. Its picks
are the runs' own held-out picks: the kept model is exported as it is, a kept start is not, and the
x4 candidate is the one its held-out photos score best."""

from __future__ import annotations

import json

import pytest
import torch

from gancore.engine.checkpoint import export_generator
from tools import gpu_train


def test_a_psnr_config_trains_on_l1_to_its_last_step_and_its_schedule_ends_there():
    job = gpu_train.Job("x4", "superres", "configs/superres-x4-edsr.json")
    cfg = gpu_train.job_config(job, 1234, 50, probe=False)
    assert cfg["train"]["steps"] == 1234
    assert cfg["trainer"]["pretrain_steps"] == 1234
    assert cfg["trainer"]["lr_schedule"]["steps"] == 1234
    assert cfg["train"]["checkpoint_every"] == 1234 // 8


@pytest.mark.parametrize(("share", "pretrain"), [(0.0, 1000), (0.4, 600), (1.0, 0)])
def test_the_gan_share_sets_the_l1_only_steps(share, pretrain):
    job = gpu_train.Job("inp", "inpainter", "configs/inpainter-lama.json", gan_share=share)
    assert gpu_train.job_config(job, 1000, 50, probe=False)["trainer"]["pretrain_steps"] == pretrain


def test_overrides_reach_nested_keys_and_a_probe_keeps_one_checkpoint():
    job = gpu_train.Job("inp", "inpainter", "configs/inpainter-lama.json", overrides={"trainer.g_learn_rate": 1e-4})
    cfg = gpu_train.job_config(job, 80, 20, probe=True)
    assert cfg["trainer"]["g_learn_rate"] == 1e-4
    assert cfg["train"]["keep_checkpoints"] == 1 and cfg["train"]["checkpoint_every"] == 80


def test_the_probe_rate_leaves_out_the_first_tick(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"data": {"batch": 10}}))
    ticks = [{"step": s, "images_per_s": r} for s, r in ((20, 5.0), (40, 100.0), (60, 120.0))]
    (tmp_path / "metrics.jsonl").write_text("".join(json.dumps(t) + "\n" for t in ticks))
    assert gpu_train.probe_rate(tmp_path) == pytest.approx(11.0)  # median of 100 and 120, over the batch


def test_the_shipped_plans_load_and_name_existing_configs():
    for path in sorted((gpu_train.ROOT / "tools" / "gpu_plans").glob("*.json")):
        jobs = gpu_train.load_plan(path)
        assert jobs and all((gpu_train.ROOT / j.config).is_file() for j in jobs)
        assert len({j.name for j in jobs}) == len(jobs)


def test_a_plan_with_a_misspelt_field_names_the_job_and_the_valid_fields(tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{"name": "a", "app": "inpainter", "config": "configs/inpainter.json", "gan-share": 0}]))
    with pytest.raises(SystemExit, match=r"job 0 \(a\).*gan_share"):
        gpu_train.load_plan(plan)
    plan.write_text(json.dumps([{"name": "b", "app": "inpainter", "config": "configs/no-such.json"}]))
    with pytest.raises(SystemExit, match=r"job 0 \(b\): no config configs/no-such.json"):
        gpu_train.load_plan(plan)


def test_a_probe_holds_out_nothing_and_a_run_gets_its_start_and_its_time():
    job = gpu_train.Job("x2", "superres", "configs/superres-x2-gan-sn.json", init="superres-x2")
    probe = gpu_train.train_command(job, gpu_train.ROOT / "c.json", gpu_train.ROOT / "r", gpu_train.ROOT, "cpu", None)
    assert probe[-2:] == ["--val", "none"] and "--init-generator" not in probe and "--minutes" not in probe
    run = gpu_train.train_command(job, gpu_train.ROOT / "c.json", gpu_train.ROOT / "r", gpu_train.ROOT, "cpu", 300, 900)
    assert run[run.index("--init-generator") + 1] == "superres-x2" and run[run.index("--steps") + 1] == "900"
    assert run[run.index("--minutes") + 1] == "5.00" and "--val" not in run


def _run(tmp_path, name: str, step: int, report: dict | None) -> gpu_train.Job:
    """A run folder as ``train`` leaves it: a generator export of ``step`` and, unless None, ``report.json``."""
    run = tmp_path / "runs" / name
    run.mkdir(parents=True)
    torch.manual_seed(step)
    export_generator(run / "generator.safetensors", torch.nn.Linear(3, 2), step, {"task": {"type": "superres"}})
    if report is not None:
        (run / "report.json").write_text(json.dumps(report))
    return gpu_train.Job(name, "superres", "configs/superres-x4-edsr.json", run=run)


def _report(kept: str, best: float, headline: str = "psnr", better: str = "higher", photos=("a.jpg", "b.jpg")):
    return {"kept": kept, "headline": headline, "better": better, "validation": list(photos),
            "scores": {"best": {headline: best}}, "verdict": f"kept {kept}"}  # fmt: skip


def test_the_kept_model_is_exported_as_it_is_and_a_kept_start_is_not(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    won = _run(tmp_path, "won", 40, _report("step 40", 30.0))
    dest = gpu_train.export_kept(won, out)
    assert dest == out / "won.safetensors"
    assert dest.read_bytes() == (won.run / "generator.safetensors").read_bytes()
    assert gpu_train.export_kept(_run(tmp_path, "lost", 0, _report("start", 29.0)), out) is None
    assert sorted(p.name for p in out.iterdir()) == ["won.safetensors"]


def test_a_run_cut_off_before_its_report_gives_its_best_check_so_far(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    assert gpu_train.held_out(_run(tmp_path, "cut", 120, None).run)["kept"] == "step 120"
    assert gpu_train.export_kept(_run(tmp_path, "cut2", 120, None), out) == out / "cut2.safetensors"
    assert gpu_train.export_kept(_run(tmp_path, "cut0", 0, None), out) is None  # only its start
    empty = tmp_path / "runs" / "empty"
    empty.mkdir()
    assert gpu_train.held_out(empty) is None


@pytest.mark.parametrize(("better", "winner"), [("higher", "b"), ("lower", "a")])
def test_the_x4_candidate_is_the_one_its_held_out_photos_score_best(tmp_path, better, winner):
    a = _run(tmp_path, "a", 10, _report("step 10", 27.5, better=better))
    b = _run(tmp_path, "b", 20, _report("step 20", 27.9, better=better))
    cut = _run(tmp_path, "cut", 30, None)  # no report: no held-out scores to compare
    assert gpu_train.best_on_held_out([cut, a, b]).name == winner


def test_runs_that_held_out_different_photos_are_not_compared(tmp_path):
    a = _run(tmp_path, "a", 10, _report("step 10", 27.5))
    b = _run(tmp_path, "b", 20, _report("step 20", 29.0, photos=("c.jpg",)))
    assert gpu_train.best_on_held_out([a, b]).name == "a"
    assert gpu_train.best_on_held_out([_run(tmp_path, "x", 5, None)]) is None
