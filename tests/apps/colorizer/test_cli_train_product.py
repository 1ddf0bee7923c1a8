"""``train`` as a product, run as a user runs it: held-out photos, the best model kept, a verdict, a time
budget, where a run starts from, and the run folder as a model everywhere."""

from __future__ import annotations

import json

import pytest
from PIL import Image

from gancore.engine.checkpoint import read_metadata
from tests.helpers import ROOT, run_app


def cli(*args, cwd=None):
    return run_app("colorizer", *args, cwd=cwd)


@pytest.fixture
def tiny(tmp_path):
    from tests.conftest import TINY

    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(TINY))
    return path


def test_default_split_report_and_the_run_folder_as_a_model(tmp_path, tiny, small_photos):
    run = tmp_path / "runs" / "mine"
    r = cli("train", small_photos, "--config", tiny, "--steps", 4, "--out", run, "--no-progress")
    assert r.returncode == 0, r.stderr
    assert "validation: 2 of 6 photos held out" in r.stdout and "rough guide" in r.stdout
    assert "verdict: " in r.stdout and f"--model {run}" in r.stdout
    report = json.loads((run / "report.json").read_text())
    assert len(report["validation"]) == 2 and all((small_photos / p).is_file() for p in report["validation"])
    assert {"baseline", "start", "best"} <= set(report["scores"]) and report["headline"] == "psnr"
    assert report["kept"] in ("start", f"step {report['best_step']}") and report["verdict"]

    out = tmp_path / "out"
    r = cli("run", small_photos, out, "--model", run, "--no-progress")  # the run folder
    assert r.returncode == 0, r.stderr
    assert len(list(out.rglob("*.png"))) == 6
    r = cli("run", small_photos, tmp_path / "out2", "--model", "mine", "--no-progress", cwd=tmp_path)  # its name
    assert r.returncode == 0, r.stderr
    r = cli("run", small_photos, tmp_path / "out3", "--model", tmp_path, "--no-progress")
    assert r.returncode == 2 and "without generator.safetensors" in r.stderr


def test_val_none_and_val_dir(tmp_path, tiny, small_photos):
    r = cli("train", small_photos, "--config", tiny, "--steps", 2, "--out", tmp_path / "a", "--val", "none",
            "--no-progress")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "validation: none" in r.stdout and not (tmp_path / "a" / "report.json").exists()
    other = tmp_path / "held"
    other.mkdir()
    for p in sorted(small_photos.rglob("*.jpg"))[:2]:
        Image.open(p).save(other / p.name)
    r = cli("train", small_photos, "--config", tiny, "--steps", 2, "--out", tmp_path / "b", "--val", other,
            "--no-progress")  # fmt: skip
    assert r.returncode == 0, r.stderr
    report = json.loads((tmp_path / "b" / "report.json").read_text())
    assert sorted(report["validation"]) == sorted(str(p.resolve()) for p in other.iterdir())
    r = cli("train", small_photos, "--resume", "--out", tmp_path / "b", "--val", "none", "--steps", 4)
    assert r.returncode == 2 and r.stderr.strip().startswith("error: --resume holds out the photos")
    r = cli("train", small_photos, "--resume", "--out", tmp_path / "b", "--size", 64, "--steps", 4)
    assert r.returncode == 2 and "--resume continues the run as it was (--size 32); drop --size 64" in r.stderr
    r = cli("train", small_photos, "--config", tiny, "--val", tmp_path / "nope", "--out", tmp_path / "c")
    assert r.returncode == 2 and "--val: not a folder" in r.stderr


def test_a_time_budget_ends_the_run_by_itself_and_keeps_the_best(tmp_path, tiny, small_photos):
    """No --steps: the budget alone ends the run, with its checks and report. (How the steps are planned
    from the measured pace is tested on a fake clock in tests/gancore/test_validation.py: on a loaded
    machine the budget may run out before the plan, and the run must end all the same.)"""
    run = tmp_path / "run"
    r = cli("train", small_photos, "--config", tiny, "--minutes", 0.5, "--out", run, "--no-progress")
    assert r.returncode == 0, r.stderr
    cfg = json.loads((run / "config.json").read_text())["train"]
    last = max(int(p.stem.split("-")[1]) for p in (run / "checkpoints").glob("step-*.safetensors"))
    assert cfg["minutes"] == 0.5 and last >= 1
    if "time budget:" in r.stdout:  # planned: the plan is the run's config, so a resume follows it
        assert cfg["steps"] >= last and cfg["val_every"] == cfg["checkpoint_every"] >= 1
    report = json.loads((run / "report.json").read_text())
    assert report["history"][-1]["step"] == last, "the last step is scored"
    assert int(read_metadata(run / "generator.safetensors")["step"]) == report["best_step"]


def test_a_resumed_run_takes_minutes_as_a_cut_off(tmp_path, tiny, small_photos):
    """With --resume the plan is not made again: --minutes only ends the run, cleanly, with its report. A
    budget shorter than the reserve kept for the report is spent after the first resumed step, whatever
    the machine's speed."""
    run = tmp_path / "run"
    r = cli("train", small_photos, "--config", tiny, "--steps", 4, "--out", run, "--no-progress")
    assert r.returncode == 0, r.stderr
    r = cli("train", small_photos, "--resume", "--out", run, "--steps", 100, "--minutes", 0.01, "--no-progress")
    assert r.returncode == 0, r.stderr
    assert "time budget of 0.01 minutes is spent: stopping at step 5" in r.stdout
    report = json.loads((run / "report.json").read_text())
    assert report["last_step"] == 5 and report["history"][-1]["step"] == 5


def test_where_a_run_starts(tmp_path, tiny, small_photos):
    r = cli("train", small_photos, "--config", tiny, "--init-generator", "colorizer-x9", "--out", tmp_path / "a")
    assert r.returncode == 2 and r.stderr.startswith("error: model not found: colorizer-x9; the shipped ones are")
    r = cli("train", small_photos, "--config", tiny, "--init-generator", "colorizer", "--out", tmp_path / "b")
    assert r.returncode == 2 and "do not fit this generator" in r.stderr and "Traceback" not in r.stderr
    # no --config, a small folder: a fine-tune of the shipped model, its learning rates scaled down
    run = tmp_path / "ft"
    r = cli("train", small_photos, "--steps", 2, "--batch", 2, "--size", 64, "--out", run, "--no-progress")
    assert r.returncode == 0, r.stderr
    assert "fine-tuning the shipped model colorizer" in r.stdout
    cfg = json.loads((run / "config.json").read_text())
    assert cfg["train"]["init_generator"].endswith("assets/models/colorizer.safetensors")
    shipped = json.loads(read_metadata(ROOT / "assets" / "models" / "colorizer.safetensors")["config"])
    from gancore.finetune import D_LR_SCALE, G_LR_SCALE

    for key, scale in (("g_learn_rate", G_LR_SCALE), ("d_learn_rate", D_LR_SCALE)):
        assert cfg["trainer"][key] == pytest.approx(scale * shipped["trainer"][key])
    assert G_LR_SCALE < D_LR_SCALE < 1, "G knows its job, D starts from scratch"
    assert cfg["data"]["replay"].endswith("assets/photos") and 0 < cfg["data"]["replay_share"] < 1
    assert "replay: 50% of every batch from" in r.stdout
    assert cfg["generator"] == shipped["generator"], "the shipped model's own network"
    report = json.loads((run / "report.json").read_text())
    assert report["start"] == "the shipped model" and "shipped model" in report["verdict"]
    again = tmp_path / "again"  # a fine-tune of that fine-tune: its rates are scaled once, not twice
    r = cli("train", small_photos, "--init-generator", run, "--steps", 1, "--batch", 2, "--size", 64, "--out", again,
            "--no-progress")  # fmt: skip
    assert r.returncode == 0, r.stderr
    twice = json.loads((again / "config.json").read_text())
    assert cfg["train"]["fine_tune"] and twice["train"]["fine_tune"]
    for key in ("g_learn_rate", "d_learn_rate"):
        assert twice["trainer"][key] == pytest.approx(cfg["trainer"][key])
    mine = tmp_path / "mine-only"  # --replay none: the user's photos alone
    r = cli("train", small_photos, "--steps", 1, "--batch", 2, "--size", 64, "--replay", "none", "--out", mine,
            "--no-progress")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert json.loads((mine / "config.json").read_text())["data"]["replay"] == "" and "replay:" not in r.stdout
    r = cli("train", small_photos, "--steps", 1, "--replay", tmp_path / "nowhere", "--out", tmp_path / "x")
    assert r.returncode == 2 and "data.replay: not a folder" in r.stderr and "Traceback" not in r.stderr
    r = cli("train", small_photos, "--resume", "--out", run, "--replay", "none")
    assert r.returncode == 2 and "drop --replay" in r.stderr


def test_run_max_pixels_names_the_limit_and_how_to_raise_it(tmp_path, small_photos):
    r = cli("run", small_photos, tmp_path / "out", "--max-pixels", 1000, "--no-progress")
    assert r.returncode == 1 and "over the 1000 pixel limit" in r.stderr and "--max-pixels N raises it" in r.stderr
    assert "Traceback" not in r.stderr and "6 failed" in r.stdout
    r = cli("run", small_photos, tmp_path / "out", "--max-pixels", 0)
    assert r.returncode == 2 and r.stderr.strip() == "error: --max-pixels must be 1 or more, got 0"
