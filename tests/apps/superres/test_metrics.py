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


def test_sharpness_is_one_for_the_truth_and_lower_for_a_blur():
    import numpy as np
    from PIL import Image, ImageFilter

    from apps.superres.metrics import sharpness

    rng = np.random.default_rng(0)
    hr = np.asarray(Image.fromarray(rng.integers(0, 256, (12, 16, 3), dtype=np.uint8)).resize((64, 48)))
    blurred = np.asarray(Image.fromarray(hr).filter(ImageFilter.GaussianBlur(2)))
    assert sharpness(hr, hr, border=2) == 1.0
    assert sharpness(blurred, hr, border=2) < 0.8
    assert sharpness(np.asarray(Image.fromarray(hr).filter(ImageFilter.UnsharpMask(3, 200))), hr, border=2) > 1.1
