"""The colorizer's verbs, run as a user runs them: real processes, real files."""

from __future__ import annotations

import json
import re
import subprocess

import numpy as np
import pytest
from PIL import Image

from tests.conftest import ROOT
from tests.helpers import log_ticks, run_app, tree_digest


def cli(*args, cwd=None):
    return run_app("colorizer", *args, cwd=cwd)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, small_photos):
    """A tiny model trained by the CLI for 2 steps, then resumed to 4 (the issue's acceptance path)."""
    from tests.conftest import TINY

    tmp = tmp_path_factory.mktemp("train")
    cfg = tmp / "tiny.json"
    cfg.write_text(json.dumps(TINY))
    run = tmp / "RUN"
    first = cli("train", small_photos, "--config", cfg, "--steps", 2, "--out", run, "--no-progress")
    assert first.returncode == 0, first.stderr
    second = cli("train", small_photos, "--resume", "--steps", 4, "--out", run, "--no-progress")
    assert second.returncode == 0, second.stderr
    return run, first, second


def test_train_and_resume(trained):
    run, _, second = trained
    assert "resumed from" in second.stdout and "step-000002" in second.stdout
    assert "step 4:" in second.stdout
    assert (run / "config.json").is_file() and list((run / "samples").glob("*.png"))
    assert list((run / "tensorboard").glob("events.*")) and (run / "checkpoints" / "step-000004.safetensors").is_file()
    assert [t["step"] for t in log_ticks(run)] == [2, 4], "the resumed run continues at step 3, not from zero"


def test_run_over_folder_with_bad_files(tmp_path, trained, small_photos):
    run, _, _ = trained
    src = tmp_path / "in"
    subprocess.run(["cp", "-r", str(small_photos), str(src)], check=True)
    good = sorted(src.rglob("*.jpg"))[0]
    (src / "nested" / "truncated.jpg").write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    (src / "nested" / "deeper" / "notes.png").write_text("this is text, not a PNG")
    before = tree_digest(src)
    out = tmp_path / "out"

    r = cli("run", src, out, "--model", run / "generator.safetensors", "--no-progress")
    assert r.returncode == 1, "a failed file makes the exit status non-zero"
    assert "truncated.jpg" in r.stderr and "notes.png" in r.stderr and "Traceback" not in r.stderr
    assert "6 written" in r.stdout and "2 failed" in r.stdout
    assert tree_digest(src) == before, "inputs are never modified"
    for img in sorted(small_photos.rglob("*")):
        if img.is_file():
            dst = (out / img.relative_to(small_photos)).with_suffix(".png")
            with Image.open(img) as a, Image.open(dst) as b:
                assert b.size == a.size and b.mode == "RGB" and b.format == "PNG"

    again = cli("run", src, out, "--model", run / "generator.safetensors", "--no-progress")
    assert "0 written, 6 skipped" in again.stdout


def test_bad_config_is_one_line(tmp_path, small_photos):
    from tests.conftest import TINY

    bad = json.loads(json.dumps(TINY))
    bad["generator"]["layers"][2] = "conv 16 filter=4 strid=2"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    r = cli("train", small_photos, "--config", path, "--out", tmp_path / "x", "--no-progress")
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr
    assert lines[0].startswith("error: generator.layers[2]: \"conv 16 filter=4 strid=2\": unknown option 'strid'")
    assert "stride" in lines[0]

    bad["generator"]["layers"][2] = "convolution 16"
    path.write_text(json.dumps(bad))
    r = cli("train", small_photos, "--config", path, "--out", tmp_path / "x", "--no-progress")
    assert r.returncode == 2 and "unknown op 'convolution' (valid: " in r.stderr and "Traceback" not in r.stderr


def test_user_errors_are_one_line(tmp_path):
    r = cli("run", tmp_path / "nope", tmp_path / "out", "--model", tmp_path / "missing.safetensors")
    assert r.returncode == 2 and r.stderr.startswith("error: model not found") and "Traceback" not in r.stderr
    r = cli("train", tmp_path / "nope", "--out", tmp_path / "o")
    assert r.returncode == 2 and "data folder not found" in r.stderr


def test_a_negative_thread_count_is_one_line_and_writes_nothing(tmp_path, small_photos):
    r = cli("run", small_photos, tmp_path / "out", "--writers", -1)
    assert r.returncode == 2 and r.stderr.startswith("error: --readers and --writers must be 0 or more, got 2 and -1")
    assert not (tmp_path / "out").exists()


def test_new_writes_default_config(tmp_path):
    r = cli("new", "mine", cwd=tmp_path)
    assert r.returncode == 0
    assert json.loads((tmp_path / "mine.json").read_text()) == json.loads((ROOT / "configs/colorizer.json").read_text())
    assert cli("new", "mine", cwd=tmp_path).returncode == 2, "never overwrites"


def test_dry_run_prints_table():
    """A folder of photos fine-tunes the shipped colorizer that scores best on its held-out photos (printed);
    the table is that model's: a bins head ends in 529 logits at half size, the default in a*b*."""
    r = cli("train", "assets/photos", "--dry-run")
    assert r.returncode == 0
    assert "generator" in r.stdout and "discriminator" in r.stdout
    start = re.search(r"starting from (colorizer\S*)", r.stdout).group(1)
    assert f"fine-tuning the shipped model {start} " in r.stdout
    assert ("529x64x64" if start == "colorizer-vivid" else "2x128x128") in r.stdout


def test_eval_against_gray_baseline(tmp_path, trained, small_photos):
    """A black-and-white photo in the folder (a colour file whose pixels are gray) is left out and said so:
    gray's PSNR on it is infinite and would make the mean infinite."""
    import shutil

    run, _, _ = trained
    photos = tmp_path / "photos"
    shutil.copytree(small_photos, photos)
    first = sorted(photos.rglob("*.jpg"))[0]
    Image.open(first).convert("L").convert("RGB").save(photos / "zz-black-and-white.png")
    report = tmp_path / "eval.json"
    r = cli("eval", photos, "--model", run / "generator.safetensors", "--json", report)
    assert r.returncode == 0, r.stderr
    assert "model" in r.stdout and "gray" in r.stdout
    assert "left out zz-black-and-white.png: already black and white" in r.stderr
    data = json.loads(report.read_text())
    assert data["left_out_gray"] == ["zz-black-and-white.png"] and data["images"] == sum(
        p.is_file() for p in small_photos.rglob("*")
    )
    mean = data["mean"]
    assert np.isfinite(mean["gray"]["psnr"]) and mean["model"]["colourfulness_share"] < 10
    assert mean["gray"]["colourfulness"] < 1.0, "the baseline is gray"
    assert mean["photo"]["colourfulness"] > 10.0, "real photos are colourful"
    assert 5.0 < mean["model"]["psnr"] < 60.0 and 0.0 < mean["model"]["ssim"] <= 1.0


def test_resume_survives_a_truncated_config_and_removes_stale_temporaries(tmp_path, tiny_config_file, small_photos):
    """A kill while config.json or a checkpoint was written leaves an empty file / a hidden temporary:
    the resume takes the config stored in the last checkpoint and deletes the leftover."""
    run = tmp_path / "run"
    first = cli("train", small_photos, "--config", tiny_config_file, "--steps", "2", "--out", run, "--no-progress")
    assert first.returncode == 0, first.stderr
    (run / "config.json").write_text("")  # what a kill in the middle of a plain rewrite left behind
    stale = run / "checkpoints" / ".step-000004.safetensors.tmp-4242"
    stale.write_bytes(b"\0" * 1024)
    resumed = cli("train", small_photos, "--resume", "--steps", "4", "--out", run, "--no-progress")
    assert resumed.returncode == 0, resumed.stderr
    assert "unreadable" in resumed.stderr and "step-000002" in resumed.stderr
    assert not stale.exists() and "left by an interrupted write" in resumed.stdout
    assert json.loads((run / "config.json").read_text())["train"]["steps"] == 4  # rewritten, atomically
    assert (run / "checkpoints" / "step-000004.safetensors").exists()


def test_a_size_the_unet_cannot_take_says_which_sizes_work(small_photos):
    r = cli("train", small_photos, "--size", "100", "--dry-run")
    assert r.returncode == 2
    assert "data.size 100 does not fit these networks" in r.stderr
    assert "multiples of 32, e.g. 96 or 128" in r.stderr and "Traceback" not in r.stderr
