"""``export``: each app's shipped generator as ONNX, checked by the command itself with onnxruntime on a
real photo, then run here with onnxruntime alone on another photo and another size."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import onnxruntime as ort
import pytest
import torch
from PIL import Image

from tests.helpers import ROOT

HELD_OUT = ROOT / "assets" / "eval" / "gcompris-explore-world-music-music-japan.jpg"


def _export(app: str, out) -> str:
    proc = subprocess.run([sys.executable, "-m", f"apps.{app}", "export", out], capture_output=True, text=True,
                          cwd=ROOT, timeout=900)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    diff = float(re.search(r"largest difference ([0-9.e+-]+)", proc.stdout).group(1))
    assert diff < 1e-3
    return proc.stdout


def _photo(h: int, w: int) -> np.ndarray:
    with Image.open(HELD_OUT) as im:
        return (
            np.asarray(im.convert("RGB").resize((w, h), Image.Resampling.LANCZOS), dtype=np.float32)[None].transpose(
                0, 3, 1, 2
            )
            / 255.0
        )


def test_colorizer_export_runs_alone_at_another_size(tmp_path):
    out = tmp_path / "colorizer.onnx"
    _export("colorizer", out)
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    x = _photo(96, 224)  # another photo, another (dynamic) size
    got = session.run(None, {"image": x})[0]
    from apps.colorizer.export import ColorizeGraph
    from gancore.inference import load_generator

    _, gen, _ = load_generator(ROOT / "assets" / "models" / "colorizer.safetensors", task="colorizer")
    with torch.no_grad():
        want = ColorizeGraph(gen)(torch.from_numpy(x)).numpy()
    assert got.shape == (1, 3, 96, 224) and np.abs(got - want).max() < 1e-3


@pytest.mark.parametrize("app", ["superres", "inpainter"])
def test_export_passes_its_own_check(tmp_path, app):
    text = _export(app, tmp_path / f"{app}.onnx")
    assert "RGB in [0, 1]" in text and (tmp_path / f"{app}.onnx").stat().st_size > 100_000
