"""The upscaler's verbs, run as a user runs them: real files; ``train`` and ``run`` in real processes.

The other verbs run in-process through the same ``main(APP, argv)`` (each process start costs
seconds on a loaded 2-core machine).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.conftest import ROOT
from tests.helpers import run_app, tree_digest

from .conftest import TINY


def cli(*args, cwd=None):
    return run_app("superres", *args, cwd=cwd)


def in_process(capsys, *args) -> tuple[int, str, str]:
    """``python -m apps.superres ARGS`` in this process: (exit status, stdout, stderr)."""
    from apps.superres.__main__ import APP
    from gancore.cli import main

    status = main(APP, [str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def model(tmp_path_factory, small_photos):
    """A tiny x2 model trained by the CLI for 2 steps."""
    tmp = tmp_path_factory.mktemp("train")
    cfg = tmp / "tiny.json"
    cfg.write_text(json.dumps(TINY))
    run = tmp / "RUN"
    r = cli("train", small_photos, "--config", cfg, "--steps", 2, "--out", run, "--no-progress")
    assert r.returncode == 0, r.stderr
    assert "step 2:" in r.stdout and (run / "samples").is_dir()
    return run / "generator.safetensors"


def test_run_over_folder_with_bad_files(tmp_path, capsys, model, small_photos):
    src = tmp_path / "in"
    subprocess.run(["cp", "-r", str(small_photos), str(src)], check=True)
    good = sorted(src.rglob("*.jpg"))[0]
    (src / "nested" / "truncated.jpg").write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    (src / "nested" / "deeper" / "notes.png").write_text("this is text, not a PNG")
    rgb = np.asarray(Image.open(good).convert("RGB"))
    Image.fromarray(np.dstack([rgb, np.full(rgb.shape[:2], 128, np.uint8)])).save(src / "clear.png")
    Image.fromarray(rgb[..., 1].astype(np.uint16) * 257 + 3).save(src / "deep.png")
    before = tree_digest(src)
    out = tmp_path / "out"

    r = cli("run", src, out, "--model", model, "--no-progress", "--tile", 24)
    assert r.returncode == 1, "a failed file makes the exit status non-zero"
    assert "truncated.jpg" in r.stderr and "notes.png" in r.stderr and "Traceback" not in r.stderr
    assert "8 written" in r.stdout and "2 failed" in r.stdout
    assert tree_digest(src) == before, "inputs are never modified"
    for img in sorted(small_photos.rglob("*")):
        if img.is_file():
            dst = (out / img.relative_to(small_photos)).with_suffix(".png")
            with Image.open(img) as a, Image.open(dst) as b:
                assert b.size == (2 * a.width, 2 * a.height) and b.mode == "RGB" and b.format == "PNG"
    with Image.open(out / "clear.png") as a, Image.open(out / "deep.png") as d:
        assert a.mode == "RGBA" and np.asarray(a)[..., 3].min() >= 127, "alpha upscaled apart"
        assert d.mode == "I;16" and d.size == (2 * rgb.shape[1], 2 * rgb.shape[0]), "16-bit stays 16-bit"

    status, again, _ = in_process(capsys, "run", src, out, "--model", model, "--no-progress")
    assert status == 1 and "0 written, 8 skipped" in again, "done files are skipped; the bad ones fail again"


def test_run_scale_above_the_model_is_one_line(tmp_path, capsys, model, small_photos):
    status, _, err = in_process(capsys, "run", small_photos, tmp_path / "out", "--model", model, "--scale", 4)
    assert status == 2
    assert err.strip().splitlines() == [
        "error: --scale 4: this model upscales x2 (valid: 2; a lower factor resamples its output); "
        "for x4, train a model with task.scale = 4"
    ]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.png"))


def test_run_and_the_python_api_pick_the_same_shipped_model_for_a_factor(tmp_path, capsys):
    """``run --scale 2`` without ``--model`` and ``upscale(image, scale=2)``: the shipped x2 model, both
    (run used the x4 model and resampled: another picture)."""
    from apps.superres import upscale
    from apps.superres.models import for_scale

    src = tmp_path / "in"
    src.mkdir()
    with Image.open(ROOT / "assets" / "eval" / "lxqt-fog.jpg") as im:
        im.convert("RGB").resize((48, 36)).save(src / "fog.png")
    status, _, err = in_process(capsys, "run", src, tmp_path / "out", "--scale", 2, "--no-progress")
    assert status == 0, err
    ran = np.asarray(Image.open(tmp_path / "out" / "fog.png"))
    api = np.asarray(upscale(src / "fog.png", scale=2))
    assert ran.shape == (72, 96, 3) and np.array_equal(ran, api)
    assert for_scale(2).name == "superres-x2.safetensors" and for_scale(3).name == "superres-x4.safetensors"
    status, _, err = in_process(
        capsys, "run", src, tmp_path / "x4", "--scale", 2, "--model", "superres-x4", "--no-progress"
    )
    assert status == 0, err
    assert not np.array_equal(np.asarray(Image.open(tmp_path / "x4" / "fog.png")), ran), "x4 resampled differs"


def test_eval_prints_table_and_writes_json(tmp_path, capsys, model, small_photos):
    report = tmp_path / "eval" / "x2.json"
    status, out, err = in_process(capsys, "eval", small_photos, "--model", model, "--json", report, "--peers", "none")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("x2 on 6 images") and "2 px border cropped" in lines[0]
    assert lines[1].startswith("full photos, clean bicubic LR")
    assert lines[2].split() == ["method", "PSNR-Y", "(dB)", "SSIM-Y", "sharpness", "BRISQUE", "s/MP"]
    assert [line.split()[0] for line in lines[3:6]] == ["model", "bicubic", "lanczos"]
    data = json.loads(report.read_text())
    assert [row["method"] for row in data["rows"]] == ["model", "bicubic", "lanczos"]
    assert data["scale"] == 2 and data["crop_border"] == 2 and data["images"] == 6 and len(data["per_image"]) == 6
    bicubic, lanczos = data["rows"][1], data["rows"][2]
    assert 20 < bicubic["psnr_y"] < 50 and 0.5 < bicubic["ssim_y"] <= 1 and lanczos["psnr_y"] > 20
    assert 0 <= data["rows"][0]["brisque"] <= 100 and data["rows"][0]["seconds_per_mp"] > 0


def test_eval_scores_web_inputs_clean_and_as_jpeg(tmp_path, capsys, model, small_photos):
    """The second protocol: 192-px crops given clean and as JPEGs of quality 75 and 50, each its own table;
    JPEG blocks cost the bicubic upscale fidelity, more at the lower quality."""
    report = tmp_path / "x2.json"
    status, out, err = in_process(capsys, "eval", small_photos, "--model", model, "--json", report, "--peers", "none")
    assert status == 0, err
    for name in ("clean", "jpeg75", "jpeg50"):
        assert f"web inputs: 192-px crops, input {name}" in out
    web = json.loads(report.read_text())["web"]
    rows = {i: {r["method"]: r for r in web["inputs"][i]} for i in ("clean", "jpeg75", "jpeg50")}
    assert all(set(r) == {"model", "bicubic"} for r in rows.values()), "no peer rows with --peers none"
    bic = [rows[i]["bicubic"] for i in ("clean", "jpeg75", "jpeg50")]
    assert bic[0]["psnr_y"] > bic[1]["psnr_y"] > bic[2]["psnr_y"], "lower quality, less fidelity"
    assert 0 <= web["truth_brisque"] <= 100 and all(0 <= b["brisque"] <= 100 for b in bic)

    quick = tmp_path / "web.json"
    status, only, err = in_process(capsys, "eval", small_photos, "--model", model, "--json", quick, "--peers", "none",
                                   "--web-only")  # fmt: skip
    assert status == 0, err
    assert "full photos" not in only and "model vs bicubic" not in only and "input jpeg75" in only
    fast = json.loads(quick.read_text())
    assert fast["rows"] == [] and fast["gain_over_bicubic_db"] is None
    assert all(
        [r["psnr_y"] for r in fast["web"]["inputs"][i]] == [r["psnr_y"] for r in web["inputs"][i]] for i in rows
    ), "the same web scores as the full evaluation's"


def test_new_and_dry_run(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert in_process(capsys, "new", "mine")[0] == 0
    assert json.loads((tmp_path / "mine.json").read_text()) == json.loads((ROOT / "configs/superres.json").read_text())
    status, out, err = in_process(capsys, "train", ROOT / "assets" / "photos", "--dry-run", "--init-generator", "none")
    assert status == 0 and "3x16x16" in out and "3x64x64" in out, err
    status, out, err = in_process(capsys, "train", ROOT / "assets" / "photos", "--dry-run")  # 37 photos: a fine-tune
    assert status == 0 and "fine-tuning the shipped model superres-x4 on your 37 photos" in out, err


def test_model_by_shipped_name(tmp_path, capsys, small_photos):
    """``--model superres-x2``: the shipped file of that name; an unknown name lists the shipped ones."""
    from apps.superres.__main__ import APP
    from gancore.cli import _model

    assert _model(APP, Path("superres-x2")) == ROOT / "assets" / "models" / "superres-x2.safetensors"
    status, _, err = in_process(capsys, "run", small_photos, tmp_path / "out", "--model", "superres-x9")
    assert status == 2 and err.startswith("error: model not found: superres-x9; the shipped ones are ")
    assert "superres-x2" in err and "superres-x4" in err and not (tmp_path / "out").exists()


def test_eval_with_the_self_ensemble_scores_another_model_row_and_says_so(tmp_path, capsys, model, small_photos):
    reports = {}
    for flag in ([], ["--ensemble"]):
        path = tmp_path / f"x2{'-ens' if flag else ''}.json"
        status, out, err = in_process(
            capsys, "eval", small_photos, "--model", model, "--json", path, "--peers", "none", *flag
        )
        assert status == 0, err
        assert ("self-ensemble of 8 views" in out.splitlines()[0]) == bool(flag)
        reports[bool(flag)] = json.loads(path.read_text())
    plain, ens = reports[False], reports[True]
    assert ens["ensemble"] is True and plain["ensemble"] is False
    untimed = [{k: v for k, v in r["rows"][1].items() if k != "seconds_per_mp"} for r in (ens, plain)]
    assert untimed[0] == untimed[1], "the baselines do not change"
    assert ens["rows"][0]["psnr_y"] != plain["rows"][0]["psnr_y"], "the model's row does"


def test_strength_0_and_1_are_the_psnr_and_the_gan_model_exactly(tmp_path, capsys):
    from apps.superres import upscale

    src = tmp_path / "in"
    src.mkdir()
    with Image.open(ROOT / "assets" / "eval" / "gcompris-erase-toucan.jpg") as im:
        im.convert("RGB").resize((40, 30)).save(src / "bird.png")
    outs = {}
    for flags in ([], ["--strength", 0], ["--strength", 1], ["--strength", 0.5]):
        out = tmp_path / ("o" + "-".join(map(str, flags)))
        status, _, err = in_process(capsys, "run", src, out, "--model", "superres-x2-gan", *flags, "--no-progress")
        assert status == 0, err
        outs[tuple(flags)] = np.asarray(Image.open(out / "bird.png"))
    status, _, err = in_process(capsys, "run", src, tmp_path / "psnr", "--model", "superres-x2", "--no-progress")
    psnr = np.asarray(Image.open(tmp_path / "psnr" / "bird.png"))
    assert np.array_equal(outs[("--strength", 0)], psnr), "0: the PSNR model, pixel for pixel"
    assert np.array_equal(outs[("--strength", 1)], outs[()]), "1: the GAN model, pixel for pixel"
    half = outs[("--strength", 0.5)]
    assert not np.array_equal(half, psnr) and not np.array_equal(half, outs[()])
    assert np.array_equal(np.asarray(upscale(src / "bird.png", model="superres-x2-gan", strength=0)), psnr)
    assert np.array_equal(np.asarray(upscale(src / "bird.png", model="superres-x2-gan")), outs[()]), "cache intact"
    status, _, err = in_process(capsys, "run", src, tmp_path / "x", "--model", "superres-x2", "--strength", 0.5)
    assert status == 2 and "--strength needs the PSNR model superres-x2.safetensors was tuned from" in err
    status, _, err = in_process(capsys, "run", src, tmp_path / "y", "--model", "superres-x2-gan", "--strength", 2)
    assert status == 2 and "--strength must be between 0 (faithful) and 1 (natural), got 2.0" in err
