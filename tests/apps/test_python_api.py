"""The apps' Python functions give the same pixels as ``run`` on the same photo, from a path, a PIL
image or an array, and load each model once."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from apps.colorizer import colorize
from apps.inpainter import inpaint
from apps.superres import upscale
from tests.helpers import ROOT

PHOTO = ROOT / "assets" / "eval" / "gcompris-categorization-others-cup.jpg"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("api")
    (root / "in").mkdir()
    (root / "masks").mkdir()
    with Image.open(PHOTO) as im:
        im.convert("RGB").resize((120, 90)).save(root / "in" / "photo.png")
    mask = np.zeros((90, 120), dtype=np.uint8)
    mask[30:50, 40:80] = 255
    Image.fromarray(mask).save(root / "masks" / "photo.png")
    return root


def _run(app: str, folder, *extra) -> np.ndarray:
    out = folder / f"out-{app}{'-'.join(map(str, extra)).replace('/', '_')}"  # its own folder per call
    cmd = [sys.executable, "-m", f"apps.{app}", "run", folder / "in", out, "--no-progress", *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return np.asarray(Image.open(out / "photo.png"))


def test_colorize_equals_run(folder):
    expected = _run("colorizer", folder)
    path = folder / "in" / "photo.png"
    for given in (path, str(path), Image.open(path), np.asarray(Image.open(path).convert("RGB"))):
        assert np.array_equal(np.asarray(colorize(given)), expected)


def test_inpaint_equals_run_with_mask_files(folder):
    expected = _run("inpainter", folder, "--masks", folder / "masks")
    out = inpaint(folder / "in" / "photo.png", Image.open(folder / "masks" / "photo.png"))
    assert np.array_equal(np.asarray(out), expected)


def test_upscale_equals_run_at_the_models_and_a_lower_scale(folder):
    expected = _run("superres", folder, "--scale", "2")  # one rule for both: the shipped x2 model
    assert np.array_equal(np.asarray(upscale(folder / "in" / "photo.png", scale=2)), expected)
    x4 = ROOT / "assets" / "models" / "superres-x4.safetensors"
    resampled = _run("superres", folder, "--scale", "2", "--model", x4)  # the x4 model, its output resampled
    assert np.array_equal(np.asarray(upscale(folder / "in" / "photo.png", scale=2, model=x4)), resampled)
    assert upscale(folder / "in" / "photo.png").size == (480, 360)  # the model's own x4


def test_each_model_is_loaded_once():
    from apps.inputs import _cached

    _cached.cache_clear()
    array = np.zeros((16, 16, 3), dtype=np.uint8)
    colorize(array)
    colorize(array)
    assert _cached.cache_info().misses == 1 and _cached.cache_info().hits == 1


def test_bad_inputs_are_named():
    with pytest.raises(TypeError, match="PIL image, a uint8 numpy array or a path"):
        colorize(42)
    with pytest.raises(ValueError, match=r"\(H, W, 3\) uint8"):
        colorize(np.zeros((4, 4, 3), dtype=np.float32))


@pytest.mark.parametrize("shape", [(0, 0, 3), (0, 5, 3), (4, 0)])
def test_an_empty_array_is_named_not_a_library_error(shape):
    with pytest.raises(ValueError, match=r"the picture is empty \(\d+ x \d+ pixels\)"):
        colorize(np.zeros(shape, dtype=np.uint8))
