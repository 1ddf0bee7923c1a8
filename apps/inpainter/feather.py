"""Paste a fill made on a reduced crop into the full-resolution photo without a seam at the hole's edge.

A crop wider than ``max_side`` is filled at the model's size and scaled back up; its fill then meets the
photo's own pixels at the hole's edge with a step of colour where the model's guess at the reduced size
differs from what the full-size pixels beside it show (LaMa's and IOPaint's users see it as a seam). The
feather closes the step inside the hole only: on the known pixels within ``width`` of the hole
(``width`` = ``CELLS`` pixels of the reduced crop), the difference between the photo and the scaled-up
fill is measured, spread smoothly into the hole (normalised Gaussian blur, sigma ``width / 2``), and
added to the fill with a weight falling from 1 at the hole's edge to 0 at ``width`` inside it. The
fill's own texture stays; every known pixel is left alone (the caller writes hole pixels only).

    fill = feather(rgb, hole, fill, factor)   # rgb (h, w, 3) uint8; hole (h, w) bool; fill (h, w, 3) float
                                              # in [0, 255]; factor: reduced size / crop size, in (0, 1]

Worked in bands of ``BAND`` rows (with the overlap the blur needs), so a crop of a 24-megapixel photo
costs a few bands' floats, not the crop's. A crop filled at full size (``factor`` 1) is returned as it is.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

CELLS = 1.0  # the feather's width in pixels of the reduced crop (2 and 4 left more of the step)
BAND = 256  # rows worked at once


def width_for(factor: float) -> float:
    """The feather's width in full-size pixels for a crop reduced by ``factor`` (0 when it was not)."""
    return 0.0 if factor >= 1 else max(2.0, CELLS / factor)


def _band(rgb: np.ndarray, hole: np.ndarray, fill: np.ndarray, width: float) -> np.ndarray:
    """The offset to add to ``fill`` on rows of one band (the band's own arrays), ``(h, w, 3)`` float32."""
    known = ~hole
    to_hole = cv2.distanceTransform(known.astype(np.uint8), cv2.DIST_L2, 5)  # known pixels: to the nearest hole px
    ring = (known & (to_hole <= width)).astype(np.float32)
    sigma = width / 2
    diff = (rgb.astype(np.float32) - fill) * ring[..., None]
    num = cv2.GaussianBlur(diff, (0, 0), sigma, borderType=cv2.BORDER_CONSTANT)
    den = cv2.GaussianBlur(ring, (0, 0), sigma, borderType=cv2.BORDER_CONSTANT)
    offset = num / np.maximum(den, 1e-3)[..., None]
    offset[den < 1e-3] = 0.0  # no known pixel near: nothing to match
    inside = cv2.distanceTransform(hole.astype(np.uint8), cv2.DIST_L2, 5)  # hole pixels: to the nearest known px
    weight = np.clip(1.0 - (inside - 1.0) / width, 0.0, 1.0) * hole
    return offset * weight[..., None]


def feather(rgb: np.ndarray, hole: np.ndarray, fill: np.ndarray, factor: float) -> np.ndarray:
    """``fill`` with the step at the hole's edge closed (see the module's docstring); a new array."""
    width = width_for(factor)
    if width == 0.0 or not hole.any() or hole.all():
        return fill
    h = hole.shape[0]
    pad = math.ceil(width + 4 * width / 2) + 2  # the ring's distance and the blur's reach (OpenCV: 4 sigma)
    out = np.array(fill, dtype=np.float32, copy=True)
    for top in range(0, h, BAND):
        bottom = min(h, top + BAND)
        lo, hi = max(0, top - pad), min(h, bottom + pad)
        rows = slice(top - lo, bottom - lo)
        if not hole[top:bottom].any():
            continue
        offset = _band(rgb[lo:hi], hole[lo:hi], fill[lo:hi].astype(np.float32, copy=False), width)
        out[top:bottom] += offset[rows]
    np.clip(out, 0.0, 255.0, out=out)
    return out
