"""The inpainter's verbs, run as a user runs them: real processes, real files, real masks."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest
from PIL import Image

from tests.helpers import log_ticks, run_app, tree_digest


def cli(*args, cwd=None):
    return run_app("inpainter", *args, cwd=cwd)


@pytest.fixture(scope="module")
def model(tmp_path_factory, small_photos):
    """A tiny model trained by the CLI for 2 steps."""
    from tests.apps.inpainter.conftest import TINY

    tmp = tmp_path_factory.mktemp("train")
    cfg = tmp / "tiny.json"
    cfg.write_text(json.dumps(TINY))
    run = tmp / "RUN"
    r = cli("train", small_photos, "--config", cfg, "--steps", 2, "--out", run, "--no-progress")
    assert r.returncode == 0, r.stderr
    assert (run / "samples" / "step-000002.png").is_file() and (
        run / "checkpoints" / "step-000002.safetensors"
    ).is_file()
    logged = log_ticks(run)
    assert "g_feature_match" in logged[-1] and "g_rec" in logged[-1]
    return run / "generator.safetensors"


@pytest.fixture
def folder(tmp_path, small_photos):
    """IN (a copy of the small photos, nested) and MASKS with a mask for most of them."""
    src, masks = tmp_path / "in", tmp_path / "masks"
    subprocess.run(["cp", "-r", str(small_photos), str(src)], check=True)
    images = sorted(p for p in src.rglob("*") if p.is_file())
    for i, img in enumerate(images[:-1]):  # the last image gets no mask
        w, h = Image.open(img).size
        m = np.zeros((h, w), dtype=np.uint8)
        m[h // 4 : h // 2, w // 3 : w // 2] = 255
        m[0:3, :] = 200  # light gray: above 50 %, a hole
        m[-3:, :] = 100  # dark gray: below 50 %, kept
        dst = (masks / img.relative_to(src)).with_suffix(".png")
        dst.parent.mkdir(parents=True, exist_ok=True)
        mask = Image.fromarray(m)
        if i == 0:  # the wrong size: resized with a warning
            mask = mask.resize((w * 2, h * 2), Image.Resampling.NEAREST)
        mask.save(dst)
    return src, masks, images


def test_run_with_mask_folder(tmp_path, model, folder):
    src, masks, images = folder
    before, masks_before = tree_digest(src), tree_digest(masks)
    (src / "broken.jpg").write_bytes(images[0].read_bytes()[:100])
    before = tree_digest(src)
    out = tmp_path / "out"
    r = cli("run", src, out, "--masks", masks, "--model", model, "--no-progress")
    assert r.returncode == 1, "an image without a mask (and a broken one) makes the status non-zero"
    assert "Traceback" not in r.stderr
    assert f"no mask for it in {masks}" in r.stderr and images[-1].name in r.stderr
    assert "broken.jpg" in r.stderr
    assert "resized" in r.stderr and "warning" in r.stderr
    assert f"{len(images) - 1} written" in r.stdout and "2 failed" in r.stdout
    assert tree_digest(src) == before and tree_digest(masks) == masks_before, "inputs are never modified"
    for img in images[:-1]:
        got = np.asarray(Image.open((out / img.relative_to(src)).with_suffix(".png")))
        ref = np.asarray(Image.open(img).convert("RGB"))
        h, w = ref.shape[:2]
        hole = np.zeros((h, w), dtype=bool)
        hole[h // 4 : h // 2, w // 3 : w // 2] = True
        hole[0:3, :] = True
        assert got.shape == ref.shape
        assert np.array_equal(got[~hole], ref[~hole]), f"{img.name}: known pixels must be bit-identical"
        assert not np.array_equal(got[hole], ref[hole]), f"{img.name}: the hole was filled"
    again = cli("run", src, out, "--masks", masks, "--model", model, "--no-progress")
    assert f"0 written, {len(images) - 1} skipped" in again.stdout


def test_dilate_grows_every_mask_and_keeps_every_pixel_beyond(tmp_path, model, folder):
    """``--dilate 4``: the fill reaches 4 px past the drawn mask (no seam at an object's edge) and not further."""
    import cv2

    src, masks, images = folder
    out = tmp_path / "out"
    r = cli("run", src, out, "--masks", masks, "--model", model, "--dilate", 4, "--no-progress")
    assert r.returncode == 1 and "Traceback" not in r.stderr  # the image without a mask, as above
    img = images[0]
    got = np.asarray(Image.open((out / img.relative_to(src)).with_suffix(".png"))).astype(int)
    ref = np.asarray(Image.open(img).convert("RGB")).astype(int)
    h, w = ref.shape[:2]
    hole = np.zeros((h, w), dtype=np.uint8)
    hole[h // 4 : h // 2, w // 3 : w // 2] = 1
    hole[0:3, :] = 1
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9))
    grown = cv2.dilate(hole, disc).astype(bool)
    changed = (got != ref).any(axis=2)
    assert not changed[~grown].any(), "every pixel beyond the grown mask is the input's"
    ring = grown & ~hole.astype(bool)
    assert changed[ring].mean() > 0.5, "the ring the mask grew by is filled"
    r = cli("run", src, tmp_path / "o2", "--masks", masks, "--model", model, "--dilate", -1)
    assert r.returncode == 2 and "--dilate must be 0 to 256 pixels" in r.stderr


def test_run_with_a_mask_policy_is_reproducible(tmp_path, model, folder):
    src, _, images = folder
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        r = cli("run", src, out, "--mask-policy", "medium", "--model", model, "--no-progress")
        assert r.returncode == 0, r.stderr
    assert tree_digest(a) == tree_digest(b)
    changed = 0
    for img in images:
        got = np.asarray(Image.open((a / img.relative_to(src)).with_suffix(".png")))
        changed += int((got != np.asarray(Image.open(img).convert("RGB"))).any(axis=2).mean() > 0.02)
    assert changed == len(images), "every image got holes filled"


def test_run_needs_masks_or_a_policy(tmp_path, model, folder):
    src, _, _ = folder
    r = cli("run", src, tmp_path / "o", "--model", model)
    assert r.returncode == 2 and "--masks" in r.stderr
    r = cli("run", src, tmp_path / "o", "--model", model, "--mask-policy", "blob")
    assert r.returncode == 2 and r.stderr.startswith("error: unknown mask policy 'blob'")
    r = cli("run", src, tmp_path / "o", "--model", model, "--masks", tmp_path / "none")
    assert r.returncode == 2 and r.stderr.startswith("error: mask folder not found")


def test_eval_against_opencv(tmp_path, model, small_photos):
    report = tmp_path / "eval.json"
    r = cli("eval", small_photos, "--model", model, "--size", 64, "--json", report, "--peers", "none")
    assert r.returncode == 0, r.stderr
    data = json.loads(report.read_text())
    rows = {(row["masks"], row["method"]): row for row in data["rows"]}
    sets = ("thin", "medium", "thick", "box", "blobs")
    assert set(rows) == {(s, m) for s in sets for m in ("model", "pyramid", "telea", "ns")}
    assert 0.11 < rows["box", "telea"]["coverage"] < 0.14, "one box of 35 % x 35 % of the sides"
    for s in ("box", "blobs"):  # large holes: texture measured, and a smooth fill has less of it than NS's streaks
        assert 0 <= rows[s, "pyramid"]["texture"] < rows[s, "ns"]["texture"], s
    assert rows["thin", "telea"]["coverage"] < rows["medium", "telea"]["coverage"] < rows["thick", "telea"]["coverage"]
    for (s, m), row in rows.items():
        assert 5 < row["psnr"] < 60 and -1 <= row["ssim"] <= 1, (s, m, row)
    assert rows["thin", "telea"]["psnr"] > rows["thick", "telea"]["psnr"], "bigger holes are harder for Telea"
    assert "hole PSNR" in r.stdout and data["images"] == 6
    cli("eval", small_photos, "--model", model, "--size", 64, "--json", tmp_path / "again.json", "--peers", "none")
    again = json.loads((tmp_path / "again.json").read_text())["rows"]
    untimed = [
        [{k: v for k, v in row.items() if k != "seconds_per_mp"} for row in rows] for rows in (again, data["rows"])
    ]
    assert untimed[0] == untimed[1], "fixed seeds: same numbers"


def test_eval_rejects_another_apps_model(tmp_path, small_photos):
    from tests.helpers import ROOT

    r = cli("eval", small_photos, "--model", ROOT / "assets/models/colorizer.safetensors")
    assert r.returncode == 2 and "not an inpainter" in r.stderr
