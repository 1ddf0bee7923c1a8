"""Colorizer conditioning: Lab round trip, shapes, full-resolution recombination."""

from __future__ import annotations

import numpy as np
import torch

from apps.colorizer.infer import colorize
from apps.colorizer.lab import colorize_full_resolution, lab_scaled_to_rgb, rgb_to_lab_scaled
from apps.colorizer.task import ColorizerTask


def test_lab_round_trip():
    torch.manual_seed(0)
    rgb = torch.rand(2, 3, 8, 8) * 2 - 1
    light, ab = rgb_to_lab_scaled(rgb)
    assert light.shape == (2, 1, 8, 8) and ab.shape == (2, 2, 8, 8)
    assert light.min() >= -1 and light.max() <= 1 and ab.abs().max() <= 1.2
    assert torch.allclose(lab_scaled_to_rgb(light, ab) * 2 - 1, rgb, atol=1e-4)


def test_condition_is_lightness_only():
    task = ColorizerTask()
    gray = torch.full((1, 3, 4, 4), 0.2)
    pair = task.condition(gray)
    assert pair.target.abs().max() < 1e-3, "a gray image has no chroma"
    assert task.judged(pair.condition, pair.target).shape == (1, 3, 4, 4)
    assert task.shapes(16) == {"condition": (1, 16, 16), "target": (2, 16, 16), "judged": (3, 16, 16)}


def test_full_resolution_keeps_lightness():
    torch.manual_seed(0)
    light = torch.rand(1, 1, 40, 30) * 2 - 1
    ab = torch.zeros(1, 2, 8, 8) + 0.3
    rgb = colorize_full_resolution(light, ab)
    assert rgb.shape == (1, 3, 40, 30)
    back, _ = rgb_to_lab_scaled(rgb * 2 - 1)
    inside = (rgb > 0.01).all(1, keepdim=True) & (rgb < 0.99).all(1, keepdim=True)  # not clipped to the gamut
    assert torch.allclose(back[inside], light[inside], atol=2e-3)


def test_colorize_any_size_with_gray_input():
    class FixedChroma(torch.nn.Module):
        def forward(self, inputs):
            c = inputs["condition"]
            return torch.stack([torch.full_like(c[:, 0], 0.2), torch.full_like(c[:, 0], 0.3)], 1)

    gray = np.repeat(np.linspace(60, 200, 37 * 23).reshape(37, 23, 1), 3, 2).astype(np.uint8)
    out = colorize(FixedChroma(), 16, gray)
    assert out.shape == (37, 23, 3) and out.dtype == np.uint8
    assert (out[..., 0].astype(int) - out[..., 2].astype(int)).mean() > 10, "chroma (+a, +b) makes it warmer"
