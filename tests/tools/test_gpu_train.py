"""The lent-GPU driver's planning: each run's config gets the step count it can finish, the share
of GAN steps asked for, and its overrides; the probe's rate leaves the start-up tick out."""

from __future__ import annotations

import json

import pytest

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
