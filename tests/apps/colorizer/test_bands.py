"""The full-resolution join band by band equals the whole-image join: bilinear rows match
``F.interpolate``, and the colorized photo is the same (to a rounding level) for any band height."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from apps.colorizer.bands import join, lightness, resize_rows
from apps.colorizer.lab import colorize_full_resolution, rgb_to_lab_scaled


@pytest.mark.parametrize(("small", "size"), [((8, 8), (61, 45)), ((16, 12), (100, 77)), ((40, 30), (17, 13))])
def test_resize_rows_are_the_rows_of_the_whole_resize(small, size):
    x = torch.randn(1, 4, *small)
    whole = F.interpolate(x, size=size, mode="bilinear", align_corners=False)
    for y0, y1 in [(0, 1), (0, 7), (5, min(19, size[0])), (size[0] - 3, size[0]), (0, size[0])]:
        assert torch.allclose(resize_rows(x, size, y0, y1), whole[..., y0:y1, :], atol=1e-5), (y0, y1)


def test_lightness_by_bands_is_the_whole_photos():
    rgb = np.random.default_rng(0).integers(0, 256, (37, 23, 3), dtype=np.uint8)
    whole, _ = rgb_to_lab_scaled(torch.from_numpy(rgb).permute(2, 0, 1)[None].float() / 127.5 - 1)
    assert torch.allclose(lightness(rgb, torch.device("cpu"), band=5), whole, atol=1e-6)


@pytest.mark.parametrize("guided", [True, False])
@pytest.mark.parametrize("band", [1, 7, 64])
def test_the_banded_join_is_the_whole_join(guided, band):
    g = torch.Generator().manual_seed(1)
    light = torch.rand(1, 1, 53, 41, generator=g) * 2 - 1
    light_small = F.interpolate(light, size=(16, 16), mode="bilinear", antialias=True, align_corners=False)
    ab_small = (torch.rand(1, 2, 16, 16, generator=g) - 0.5) * 0.6
    whole = colorize_full_resolution(light, ab_small, light_small if guided else None)[0]
    want = (whole.permute(1, 2, 0).numpy() * 255.0 + 0.5).astype(np.uint8)
    got = join(light, ab_small, light_small if guided else None, band=band)
    assert got.shape == (53, 41, 3) and got.dtype == np.uint8
    assert np.abs(got.astype(int) - want).max() <= 1
