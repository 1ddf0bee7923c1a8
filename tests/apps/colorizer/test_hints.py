"""Colour hints: the training simulation, hint images as users give them, and their way into the model."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from PIL import Image

from apps.colorizer.hints import (
    hints_to_rgba,
    random_patches,
    read_hint_image,
    rgba_to_hints,
    shrink,
    simulate,
)
from apps.colorizer.infer import colorize
from apps.colorizer.lab import guided_upsample, rgb_to_lab_scaled
from apps.colorizer.task import ColorizerTask
from gancore.config import config_from_dict
from gancore.errors import ConfigError
from gancore.gan import build_generator


def true_ab(b=4, h=48, w=40, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(b, 2, h, w, generator=g) * 2 - 1


def test_simulated_hints_hold_their_patch_mean_and_nothing_elsewhere():
    ab = true_ab()
    g = torch.Generator().manual_seed(1)
    value, mask = simulate(ab, 0.0, 1, 2, generator=g)  # one patch per crop
    assert mask.shape == (4, 1, 48, 40) and set(mask.unique().tolist()) <= {0.0, 1.0}
    assert (value * (1 - mask)).abs().max() == 0, "no hint colour outside the mask"
    for i in range(4):
        ys, xs = mask[i, 0].nonzero(as_tuple=True)
        assert len(ys) == (ys.max() - ys.min() + 1) * (xs.max() - xs.min() + 1), "a square (or clipped) patch"
        patch = ab[i, :, ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
        expected = patch.mean(dim=(1, 2))
        assert torch.allclose(value[i, :, ys, xs], expected[:, None].expand(-1, len(ys)), atol=1e-5)


def test_single_pixel_hints_are_the_true_colour():
    ab = true_ab()
    value, mask = simulate(ab, 0.0, 64, 0, generator=torch.Generator().manual_seed(2))
    sel = mask.expand_as(value) > 0
    assert sel.any() and torch.allclose(value[sel], ab[sel], atol=1e-5)


def test_hint_counts_cover_none_few_and_many():
    ab = true_ab(b=400, h=32, w=32)
    _, none = simulate(ab, 1.0, 128, 1, generator=torch.Generator().manual_seed(3))
    assert none.sum() == 0, "hint_none = 1: the automatic mode only"
    _, mask = simulate(ab, 0.25, 128, 0, generator=torch.Generator().manual_seed(3))
    per_crop = mask.sum(dim=(1, 2, 3))
    empty = (per_crop == 0).float().mean().item()
    assert 0.15 < empty < 0.35, f"about a quarter of the crops without hints, got {empty:.2f}"
    assert ((per_crop >= 1) & (per_crop <= 2)).sum() > 20 and (per_crop > 60).sum() > 20, (
        "a log-uniform spread of counts"
    )


def test_hint_options_are_checked():
    with pytest.raises(ConfigError, match=r"task\.hint_none"):
        ColorizerTask.Options(hints=True, hint_none=1.5)
    with pytest.raises(ConfigError, match=r"task\.hint_max"):
        ColorizerTask.Options(hints=True, hint_max=0)


def test_task_with_hints_has_four_condition_channels_and_d_sees_lightness_only():
    task = ColorizerTask(ColorizerTask.Options(hints=True, hint_none=0.0))
    want = {"condition": (4, 16, 16), "target": (2, 16, 16), "output": (2, 16, 16), "judged": (3, 16, 16)}
    assert task.shapes(16) == want
    real = torch.rand(2, 3, 16, 16) * 2 - 1
    pair = task.condition(real)
    light, ab = rgb_to_lab_scaled(real)
    assert pair.condition.shape == (2, 4, 16, 16)
    assert torch.equal(pair.condition[:, :1], light) and torch.equal(pair.target, ab)
    assert pair.condition[:, 3].sum() > 0, "every crop gets hints with hint_none = 0"
    assert torch.equal(task.judged(pair.condition, pair.target), torch.cat([light, ab], 1))
    preview = task.condition_rgb(pair.condition)
    hinted = pair.condition[:, 3:4].expand(-1, 3, -1, -1) > 0
    assert preview.shape == (2, 3, 16, 16)
    spread = preview.max(dim=1, keepdim=True).values - preview.min(dim=1, keepdim=True).values  # 0: gray
    assert spread[hinted[:, :1]].mean() > 0.1, "the preview paints hints in their colour"
    assert spread[~hinted[:, :1]].max() < 0.02, "and leaves the rest gray"


def test_hint_image_round_trip():
    real = torch.rand(1, 3, 40, 50, generator=torch.Generator().manual_seed(0)) * 1.6 - 0.8  # no near-black
    light, ab = rgb_to_lab_scaled(real)
    value, mask = random_patches(ab, 6, 5, seed=4)
    rgba = hints_to_rgba(light, value, mask)
    assert rgba.shape == (40, 50, 4) and rgba.dtype == np.uint8
    assert ((rgba[..., 3] == 255) == (mask[0, 0].numpy() > 0)).all()
    back, back_mask = rgba_to_hints(rgba)
    assert torch.equal(back_mask, mask)
    sel = mask.expand_as(value) > 0
    err = (back[sel] - value[sel]).abs() * 110  # ab units, after 8-bit RGB at each pixel's lightness
    assert err.mean() < 1.0 and err.max() < 10.0, (float(err.mean()), float(err.max()))
    assert random_patches(ab, 6, 5, seed=4)[1].equal(mask) and not random_patches(ab, 6, 5, seed=5)[1].equal(mask)


def test_transparent_pixels_are_no_hint_and_alpha_is_thresholded():
    rgba = np.zeros((4, 4, 4), np.uint8)
    rgba[0, 0] = (255, 0, 0, 255)
    rgba[1, 1] = (0, 0, 255, 127)  # mostly transparent: no hint
    value, mask = rgba_to_hints(rgba)
    assert mask[0, 0].nonzero().tolist() == [[0, 0]]
    assert value[0, 0, 0, 0] * 110 > 60 and value[0, 1, 0, 0] * 110 > 50, "red: a* and b* both strongly positive"


def test_a_small_hint_reaches_the_models_size():
    ab = torch.zeros(1, 2, 1024, 768)
    mask = torch.zeros(1, 1, 1024, 768)
    ab[:, :, 500:505, 300:305] = torch.tensor([0.4, -0.3])[:, None, None]
    mask[:, :, 500:505, 300:305] = 1
    small, small_mask = shrink(ab * mask, mask, (128, 128))
    assert 1 <= small_mask.sum() <= 4, "a 5 x 5 patch covers one to four cells at 1/8 scale"
    sel = small_mask.expand_as(small) > 0
    assert torch.allclose(small[sel], torch.tensor([0.4, -0.3]).repeat_interleave(int(small_mask.sum())), atol=1e-5)
    assert small[~sel].abs().max() == 0


def test_read_hint_image_resizes_and_counts_no_alpha_as_opaque(tmp_path):
    Image.new("RGB", (20, 10), (0, 128, 0)).save(tmp_path / "h.jpg")
    rgba, resized = read_hint_image(tmp_path / "h.jpg", (40, 20))
    assert resized and rgba.shape == (20, 40, 4) and (rgba[..., 3] == 255).all()
    Image.new("RGBA", (40, 20), (0, 0, 0, 0)).save(tmp_path / "t.png")
    rgba, resized = read_hint_image(tmp_path / "t.png", (40, 20))
    assert not resized and (rgba[..., 3] == 0).all()


def hint_model(tiny_dict):
    d = copy.deepcopy(tiny_dict)
    d["task"] = {"type": "colorizer", "hints": True}
    torch.manual_seed(0)
    task, gen = build_generator(config_from_dict(d))
    return task, gen.eval().requires_grad_(False)


def test_colorize_uses_hints_where_given(tiny_dict):
    _, gen = hint_model(tiny_dict)
    rgb = np.full((64, 48, 3), 128, np.uint8)
    hints = np.zeros((64, 48, 4), np.uint8)
    auto = colorize(gen, 32, rgb, channels=4)
    assert np.array_equal(colorize(gen, 32, rgb, hints=hints, channels=4), auto), "a transparent hint image: automatic"
    hints[20:30, 20:30] = (200, 30, 30, 255)
    hinted = colorize(gen, 32, rgb, hints=hints, channels=4)
    assert hinted.shape == rgb.shape and not np.array_equal(hinted, auto)
    with pytest.raises(ValueError, match="no colour hints"):
        colorize(gen, 32, rgb, hints=hints, channels=1)
    with pytest.raises(ValueError, match="hint image is 10x5"):
        colorize(gen, 32, rgb, hints=np.zeros((5, 10, 4), np.uint8), channels=4)


def test_guided_upsampling_keeps_chroma_at_the_lightness_edge():
    """A sharp lightness edge at full resolution, chroma that differs across it: the guided filter
    keeps the chroma step at the edge where bilinear upsampling smears it over the cells around it."""
    light_full = torch.full((1, 1, 256, 256), -0.6)
    light_full[..., 128:] = 0.6
    light_small = torch.nn.functional.interpolate(light_full, size=(32, 32), mode="area")
    ab_small = torch.where(light_small > 0, 0.4, -0.4).expand(-1, 2, -1, -1).contiguous()
    guided = guided_upsample(light_small, ab_small, light_full)
    bilinear = torch.nn.functional.interpolate(ab_small, size=(256, 256), mode="bilinear", align_corners=False)
    near = slice(122, 134)  # the six columns on each side of the edge
    err_guided = (guided[..., near] - torch.where(light_full > 0, 0.4, -0.4)[..., near]).abs().mean()
    err_bilinear = (bilinear[..., near] - torch.where(light_full > 0, 0.4, -0.4)[..., near]).abs().mean()
    assert err_guided < 0.5 * err_bilinear, (float(err_guided), float(err_bilinear))
    flat = guided_upsample(torch.zeros(1, 1, 8, 8), torch.full((1, 2, 8, 8), 0.3), torch.zeros(1, 1, 64, 64))
    assert torch.allclose(flat, torch.full_like(flat, 0.3), atol=1e-5), "flat chroma stays flat"


def test_a_hint_model_started_from_an_automatic_one_begins_where_it_was(tiny_dict, tmp_path):
    """``train --init-generator`` with a wider condition: the model's channels are kept, the new hint
    channels start at zero, so without hints the new model colorizes exactly as the old one did."""
    from gancore.engine.checkpoint import export_generator
    from gancore.engine.init import init_generator
    from gancore.gan import build_gan

    torch.manual_seed(0)
    _, old = build_generator(config_from_dict(tiny_dict))
    export_generator(tmp_path / "auto.safetensors", old, 0, tiny_dict)
    d = copy.deepcopy(tiny_dict)
    d["task"] = {"type": "colorizer", "hints": True}
    gan = build_gan(config_from_dict(d))
    init_generator(gan, tmp_path / "auto.safetensors")
    old.eval()
    gan.generator.eval()
    rgb = (np.random.default_rng(0).random((40, 56, 3)) * 255).astype(np.uint8)
    with torch.no_grad():
        assert np.array_equal(colorize(gan.generator, 32, rgb, channels=4), colorize(old, 32, rgb, channels=1))
        hints = np.zeros((40, 56, 4), np.uint8)
        hints[10:20, 10:20] = (0, 0, 255, 255)
        network_alone = colorize(gan.generator, 32, rgb, hints=hints, channels=4, spread=False)
        assert np.array_equal(network_alone, colorize(old, 32, rgb)), (
            "the new channels start at zero: hints change nothing in the network until trained"
        )
    first = next(p for p in gan.generator.parameters() if p.dim() == 4)
    assert first.shape[1] == 4 and first[:, 1:].abs().max() == 0 and first[:, :1].abs().max() > 0


def test_the_spread_pulls_colour_to_the_hint_near_it_and_stops_at_edges():
    from apps.colorizer.spread import spread_hints

    light = torch.full((1, 1, 64, 64), -0.5)
    light[..., 32:] = 0.5  # a lightness edge down the middle
    ab = torch.zeros(1, 2, 64, 64)
    hint_ab, mask = torch.zeros(1, 2, 64, 64), torch.zeros(1, 1, 64, 64)
    hint_ab[..., 30, 28] = torch.tensor([0.5, -0.2])
    mask[..., 30, 28] = 1
    assert torch.equal(spread_hints(ab, light, hint_ab, torch.zeros_like(mask)), ab), "no hint: unchanged"
    out = spread_hints(ab, light, hint_ab, mask)
    assert out[0, 0, 30, 28] > 0.4 and out[0, 1, 30, 28] < -0.15, "the hint's own pixel takes its colour"
    same_side, across = out[0, 0, 30, 24], out[0, 0, 30, 34]  # 4 and 6 px away, either side of the edge
    assert same_side > 0.25 and across < 0.02, (float(same_side), float(across))
    assert out[0, 0, 30, 0] < out[0, 0, 30, 20], "fades with distance"
    many = torch.ones(1, 1, 64, 64)  # every pixel a hint: more than MAX_POINTS, subsampled, still bounded
    full = spread_hints(ab, light, torch.full((1, 2, 64, 64), 0.3), many)
    assert torch.allclose(full, torch.full_like(full, 0.3), atol=0.05)
