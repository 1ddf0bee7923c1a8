"""Texture inside a filled hole: the fill's gradient energy relative to the truth's, over the same pixels.

A smooth blur blob scores near 0, a fill as detailed as the photo near 1, noise or over-sharpening
above 1. The gradient is OpenCV's 3 x 3 Sobel of the luma (BT.601 weights); the energy is the mean
gradient magnitude ``sqrt(gx^2 + gy^2)`` over the hole (as the upscaler's ``sharpness`` over the
picture), first eroded by ``ERODE`` px so the step at its edge (a seam, or the truth's own edge
there) is not counted as texture. On eval's box holes (12 % of the picture, 30 photos): the shipped
stroke model 0.22, Telea 0.35, PatchMatch 0.84. (The mean *squared* magnitude ranks the same but
stretches the scale: 0.06, 0.20, 0.71.)
"""

from __future__ import annotations

import cv2
import numpy as np

ERODE = 3  # px taken off the hole's edge before measuring
LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def gradient_magnitude(rgb: np.ndarray) -> np.ndarray:
    """RGB ``(H, W, 3)`` uint8 -> ``(H, W)`` float32 Sobel gradient magnitude of the luma (0..255 scale)."""
    y = rgb.astype(np.float32) @ LUMA
    gx = cv2.Sobel(y, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(y, cv2.CV_32F, 0, 1, ksize=3)
    return np.sqrt(gx * gx + gy * gy)


def eroded(hole: np.ndarray, px: int = ERODE) -> np.ndarray:
    """``(H, W)`` bool hole shrunk by ``px`` pixels (a square structuring element)."""
    if px <= 0:
        return hole.astype(bool)
    kernel = np.ones((2 * px + 1, 2 * px + 1), np.uint8)
    return cv2.erode(hole.astype(np.uint8), kernel, borderType=cv2.BORDER_REPLICATE).astype(bool)


def texture_ratio(out: np.ndarray, truth: np.ndarray, hole: np.ndarray, erode: int = ERODE) -> float:
    """Mean gradient magnitude of ``out`` over that of ``truth`` in the eroded ``hole`` ``(H, W)`` bool.

    ``out``, ``truth``: RGB ``(H, W, 3)`` uint8. NaN when nothing of the hole is left after erosion
    (thin strokes) or the truth is flat there (no texture to match).
    """
    if out.shape != truth.shape or hole.shape != truth.shape[:2]:
        raise ValueError(f"shapes differ: {out.shape}, {truth.shape}, hole {hole.shape}")
    inner = eroded(hole, erode)
    if not inner.any():
        return float("nan")
    ref = float(gradient_magnitude(truth)[inner].mean())
    if ref < 1e-6:
        return float("nan")
    return float(gradient_magnitude(out)[inner].mean()) / ref
