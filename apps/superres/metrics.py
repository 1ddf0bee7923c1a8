"""The super-resolution literature's metrics: PSNR and SSIM on the Y channel, border cropped.

Y is ITU-R BT.601 luma on the 0..255 scale (16..235 for RGB 0..255), as MATLAB's ``rgb2ycbcr``
and BasicSR's ``test_y_channel``; ``border`` pixels (the scale) are cropped on every side; SSIM
uses an 11 x 11 Gaussian window (sigma 1.5) over valid positions only (Wang et al. 2004).
"""

from __future__ import annotations

import kornia
import numpy as np
import torch

BT601 = np.array([65.481, 128.553, 24.966]) / 255.0  # RGB in 0..255 -> Y offset by 16


def y_channel(rgb: np.ndarray) -> np.ndarray:
    """RGB ``(H, W, 3)`` uint8 -> Y ``(H, W)`` float64 in [16, 235]."""
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"expected an (H, W, 3) RGB array. Got {rgb.shape}")
    return rgb.astype(np.float64) @ BT601 + 16.0


def psnr_ssim(output: np.ndarray, target: np.ndarray, border: int) -> tuple[float, float]:
    """Y-channel PSNR (dB) and SSIM of two RGB ``(H, W, 3)`` uint8 images, ``border`` px cropped."""
    if output.shape != target.shape:
        raise ValueError(f"shapes differ. Got {output.shape} and {target.shape}")
    a, b = y_channel(output), y_channel(target)
    if border:
        a, b = a[border:-border, border:-border], b[border:-border, border:-border]
    ta, tb = (torch.from_numpy(np.ascontiguousarray(v))[None, None] for v in (a, b))
    psnr = float(kornia.metrics.psnr(ta, tb, max_val=255.0)) if not np.array_equal(a, b) else float("inf")
    ssim = float(kornia.metrics.ssim(ta, tb, window_size=11, max_val=255.0, padding="valid").mean())
    return psnr, ssim


def sharpness(output: np.ndarray, target: np.ndarray, border: int) -> float:
    """Mean gradient magnitude of ``output``'s Y channel over the target's (Sobel, ``border`` cropped):
    1.0 is as sharp as the truth, below is blurrier (bicubic ~0.6 at x4), above over-sharpened."""
    grads = []
    for image in (output, target):
        y = y_channel(image)
        if border:
            y = y[border:-border, border:-border]
        t = torch.from_numpy(np.ascontiguousarray(y))[None, None]
        grads.append(float(kornia.filters.sobel(t).mean()))
    return grads[0] / max(grads[1], 1e-9)
