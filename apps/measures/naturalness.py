"""BRISQUE (Mittal, Moorthy and Bovik 2012): a no-reference naturalness score, lower = more natural.

Photographs score about 0-20 (OpenCV clamps the score to 0..100, and many clean photos reach 0); a
bicubic x4 upscale about 55-60; JPEG blocks, blur and ringing all raise it. The score is OpenCV
contrib's ``cv2.quality.QualityBRISQUE`` with the SVR trained on the LIVE database, whose two model
files come from Debian's ``opencv-data`` package (``/usr/share/opencv4/quality/``; ``make install``
installs it). The features are computed on **luminance only** (OpenCV converts to gray), so BRISQUE
judges sharpness, noise and artefacts, not colour: a colorizer's colours are judged by colourfulness.

Why BRISQUE: it runs here with no download, and on the same upscales it separated a clean GAN result
from a blurry or blocky one as the eye did, where the full-reference measures that need no network
(HaarPSI, GMSD, MDSI) did not (../shared/peers.md). A no-reference score alone can be gamed (added
noise lowers some), so it is always read beside fidelity and a sheet a person looks at.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import cv2
import numpy as np

from gancore.errors import UserError

ENV = "GANCORE_BRISQUE_DIR"  # a folder holding the two model files, before the system ones
SYSTEM_DIRS = (Path("/usr/share/opencv4/quality"), Path("/usr/share/opencv/quality"))
MODEL, RANGE = "brisque_model_live.yml", "brisque_range_live.yml"
MIN_SIDE = 32  # px: the features' two scales and 7 x 7 window need at least this much picture


def brisque_files() -> tuple[Path, Path]:
    """The LIVE model and range files, or a UserError that says how to install them."""
    dirs = [Path(os.environ[ENV])] if os.environ.get(ENV) else []
    for folder in [*dirs, *SYSTEM_DIRS]:
        if (folder / MODEL).is_file() and (folder / RANGE).is_file():
            return folder / MODEL, folder / RANGE
    raise UserError(
        f"BRISQUE needs {MODEL} and {RANGE} (Debian's opencv-data package): "
        f"`apt-get install opencv-data` (make install does it), or set {ENV} to a folder holding them"
    )


@functools.lru_cache(maxsize=1)
def _scorer():
    if not hasattr(cv2, "quality"):
        raise UserError("BRISQUE needs OpenCV's contrib modules: pip install opencv-contrib-python-headless")
    model, ranges = brisque_files()
    return cv2.quality.QualityBRISQUE_create(str(model), str(ranges))


def brisque(rgb: np.ndarray) -> float:
    """BRISQUE of an RGB ``(H, W, 3)`` uint8 picture (both sides at least ``MIN_SIDE``): about 0-100,
    lower = more natural. Deterministic: the same pixels always give the same score."""
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"expected an (H, W, 3) uint8 RGB array. Got {rgb.dtype} {rgb.shape}")
    if min(rgb.shape[:2]) < MIN_SIDE:
        raise ValueError(f"BRISQUE needs at least {MIN_SIDE} x {MIN_SIDE} px. Got {rgb.shape[1]} x {rgb.shape[0]}")
    bgr = np.ascontiguousarray(rgb[..., ::-1])
    return float(_scorer().compute(bgr)[0])


def mean_brisque(rgb) -> float:
    """Mean BRISQUE of a batch of RGB pictures, a torch ``(B, 3, H, W)`` tensor in [-1, 1] (training's
    checks on held-out crops)."""
    x = ((rgb.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).cpu().numpy()
    return float(np.mean([brisque(np.ascontiguousarray(a)) for a in x])) if len(x) else float("nan")
