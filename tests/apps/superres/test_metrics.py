"""Y-channel PSNR / SSIM as in the super-resolution literature."""

from __future__ import annotations

import math

import numpy as np
import pytest

from apps.superres.metrics import psnr_ssim, y_channel


def test_y_channel_range():
    black, white = np.zeros((1, 1, 3), np.uint8), np.full((1, 1, 3), 255, np.uint8)
    assert y_channel(black)[0, 0] == pytest.approx(16.0) and y_channel(white)[0, 0] == pytest.approx(235.0)


def test_psnr_matches_formula_and_border_is_cropped():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, (40, 40, 3), dtype=np.uint8)
    b = np.clip(a.astype(int) + rng.integers(-8, 9, a.shape), 0, 255).astype(np.uint8)
    b[:2] = 0  # damage only the border
    ya, yb = y_channel(a)[2:-2, 2:-2], y_channel(b)[2:-2, 2:-2]
    want = 10 * math.log10(255.0**2 / np.mean((ya - yb) ** 2))
    psnr, ssim = psnr_ssim(b, a, border=2)
    assert psnr == pytest.approx(want, abs=1e-3)
    assert 0 < ssim < 1
    assert psnr_ssim(a, a, border=2) == (math.inf, pytest.approx(1.0))


def test_exception_shapes_differ():
    with pytest.raises(ValueError, match="shapes differ"):
        psnr_ssim(np.zeros((20, 20, 3), np.uint8), np.zeros((20, 21, 3), np.uint8), 2)
