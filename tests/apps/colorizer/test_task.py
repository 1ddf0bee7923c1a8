"""Colorizer conditioning: Lab round trip, shapes, full-resolution recombination."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from apps.colorizer.infer import colorize
from apps.colorizer.lab import colorize_full_resolution, lab_scaled_to_rgb, rgb_to_lab_scaled
from apps.colorizer.task import ColorizerTask
from gancore.errors import ConfigError


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
    want = {"condition": (1, 16, 16), "target": (2, 16, 16), "output": (2, 16, 16), "judged": (3, 16, 16)}
    assert task.shapes(16) == want


def test_a_bins_head_outputs_logits_read_out_as_ab():
    task = ColorizerTask(ColorizerTask.Options(head="bins", bins=5, temperature=1.0))
    assert task.shapes(8)["output"] == (25, 4, 4) and task.shapes(8)["target"] == (2, 8, 8)  # logits at half size
    logits = torch.full((1, 25, 2, 2), -30.0)
    logits[:, 24] = 30.0  # all the mass on the last bin: a = b = +1
    composed = task.compose(torch.zeros(1, 1, 4, 4), logits)  # read out, and resized to the condition's size
    assert torch.allclose(composed, torch.ones(1, 2, 4, 4), atol=1e-4)
    with pytest.raises(ConfigError, match=r"task\.bins"):
        ColorizerTask.Options(bins=1)


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


def test_a_bins_model_colorizes_at_full_size_and_saturation_scales_its_chroma(tiny_dict):
    import numpy as np

    from apps.colorizer.infer import colorize
    from gancore.config import config_from_dict
    from gancore.gan import build_generator

    d = dict(tiny_dict)
    d["task"] = {"type": "colorizer", "head": "bins", "bins": 5}
    d["generator"] = {**d["generator"], "layers": [*d["generator"]["layers"][:-3], "conv 25 filter=1"]}
    torch.manual_seed(0)
    task, gen = build_generator(config_from_dict(d), 32)
    assert task.shapes(32)["output"] == (25, 16, 16) and gen.out_shape == (25, 16, 16)
    rgb = (np.random.default_rng(0).random((40, 56, 3)) * 255).astype(np.uint8)
    with torch.no_grad():
        out = colorize(gen.eval(), 32, rgb, temperature=0.38)
        gray = colorize(gen, 32, rgb, temperature=0.38, saturation=0.0)
        vivid = colorize(gen, 32, rgb, temperature=0.38, saturation=2.0)
    assert out.shape == rgb.shape
    chroma = [float(np.ptp(x.astype(int), axis=2).mean()) for x in (gray, out, vivid)]
    assert chroma[0] < 1.5 < chroma[1] < chroma[2], chroma  # 0: gray; 2: more colourful than 1
