"""Upscaling whole images: tiles agree with one pass, and every image mode comes back right."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from apps.superres.infer import Upscaler
from apps.superres.modes import upscale_alpha
from gancore.data import list_images, read_rgb
from gancore.errors import UserError
from gancore.gan import build_generator

from .conftest import PAD


@pytest.fixture(scope="module")
def photo(small_photos) -> np.ndarray:
    """A real photo, 96 px on the long side: RGB uint8 (H, W, 3)."""
    return read_rgb(list_images(small_photos)[0])


def test_tiled_equals_whole_image(tiny_generator, upscaler, photo):
    tiled = upscaler.upscale_array(photo)  # 16-px tiles: many of them, edges included
    one = Upscaler(*tiny_generator, tile=1000, pad=PAD).upscale_array(photo)  # the whole image in one pass
    h, w, _ = photo.shape
    assert tiled.shape == one.shape == (2 * h, 2 * w, 3) and tiled.dtype == np.uint8
    diff = np.abs(tiled.astype(int) - one.astype(int))
    assert diff.max() <= 1 and diff.mean() < 0.01, "tiles agree with one pass up to rounding: no seams"
    assert np.abs(one.astype(int) - np.asarray(Image.fromarray(photo).resize((2 * w, 2 * h)))).mean() > 1, (
        "the random generator does change the picture (so the test means something)"
    )


def test_batched_tiles_equal_one_at_a_time(tiny_generator, upscaler, photo):
    """``--tile-batch``: several tiles per forward pass (a partial last batch included), same pixels."""
    batched = Upscaler(*tiny_generator, tile=16, pad=PAD, tile_batch=5).upscale_array(photo)
    assert np.array_equal(batched, upscaler.upscale_array(photo))
    with pytest.raises(UserError, match="--tile-batch"):
        Upscaler(*tiny_generator, tile=16, pad=PAD, tile_batch=0)


def test_tiles_match_a_plain_network_call_inside(tiny_generator, upscaler, photo):
    crop = np.ascontiguousarray(photo[:40, :40])
    task, gen, cfg = tiny_generator
    _, net = build_generator(cfg, 80)  # the network for exactly this 40 x 40 input
    net.load_state_dict(gen.state_dict())
    x = torch.from_numpy(crop).permute(2, 0, 1)[None].float() / 127.5 - 1
    with torch.no_grad():
        plain = task.compose(x, net.eval()({"condition": x}))[0].permute(1, 2, 0).numpy()
    plain = ((plain + 1) * 127.5).clip(0, 255).round()
    tiled = upscaler.upscale_array(crop).astype(float)
    m = 2 * PAD * 2  # away from the image border, where one pass pads with zeros and tiles mirror
    assert np.abs(tiled[m:-m, m:-m] - plain[m:-m, m:-m]).max() <= 1


@pytest.mark.parametrize(
    ("mode", "out_mode"),
    [("RGB", "RGB"), ("RGBA", "RGBA"), ("L", "L"), ("LA", "LA"), ("P", "RGB"), ("1", "L"), ("CMYK", "RGB")],
)
def test_modes(upscaler, photo, mode, out_mode):
    img = Image.fromarray(photo[:30, :44])
    if "A" in mode:
        alpha = Image.fromarray(np.tile(np.linspace(0, 255, 44).astype(np.uint8), (30, 1)))
        img = img.convert(mode[:-1]) if mode != "RGBA" else img
        img.putalpha(alpha)
    else:
        img = img.convert(mode)
    out = upscaler.upscale(img)
    assert out.size == (88, 60) and out.mode == out_mode
    if "A" in mode:
        assert np.array_equal(np.asarray(out)[..., -1], upscale_alpha(np.asarray(alpha), 2)), "alpha: bicubic, apart"


def test_palette_with_transparency_keeps_it(upscaler, photo):
    img = Image.fromarray(photo[:20, :20]).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    img.info["transparency"] = 0
    out = upscaler.upscale(img)
    assert out.mode == "RGBA" and out.size == (40, 40)
    assert (np.asarray(out)[..., 3] < 255).any()


def test_16_bit_gray_keeps_its_depth(upscaler, photo, tmp_path):
    gray16 = (read_rgb_gray(photo).astype(np.uint32) * 257 + 100).astype(np.uint16)  # not multiples of 257
    path = tmp_path / "deep.png"
    Image.fromarray(gray16).save(path)
    with Image.open(path) as img:
        out = upscaler.upscale(img)
    assert out.mode == "I;16" and out.size == (2 * gray16.shape[1], 2 * gray16.shape[0])
    arr = np.asarray(out)
    assert arr.dtype == np.uint16 and (arr % 257 != 0).mean() > 0.5, "16-bit precision kept, not 8-bit levels"
    assert abs(float(arr.mean()) - float(gray16.mean())) < 2000


def read_rgb_gray(photo: np.ndarray) -> np.ndarray:
    return np.asarray(Image.fromarray(photo).convert("L"))


def test_lower_scale_is_resampled_and_higher_fails(sr_dict, upscaler, photo):
    from gancore.config import config_from_dict

    sr_dict["task"]["scale"] = 4
    sr_dict["generator"]["layers"] = [*sr_dict["generator"]["layers"][:-1], "resize_conv 8", "conv 3"]
    cfg = config_from_dict(sr_dict)
    task, gen = build_generator(cfg)
    x4 = Upscaler(task, gen.eval(), cfg, tile=16, pad=PAD)
    img = Image.fromarray(photo[:30, :44])
    assert x4.upscale(img).size == (176, 120)
    assert x4.upscale(img, 3).size == (132, 90) and x4.upscale(img, 2).size == (88, 60)
    with pytest.raises(UserError, match=r"--scale 3: this model upscales x2 \(valid: 2;"):
        upscaler.upscale(img, 3)


@pytest.mark.parametrize("name", ["superres.json", "superres-x2.json", "superres-x3.json"])
def test_default_context_covers_the_receptive_field(name):
    """With ``--tile-pad`` at least the receptive field radius, tiles equal one pass: no seams."""
    from apps.superres.infer import PAD
    from gancore.config import load_config
    from tests.conftest import ROOT

    cfg = load_config(ROOT / "configs" / name)
    s, n = cfg.task.options.scale, 48
    task, net = build_generator(cfg, n * s)
    torch.manual_seed(0)
    for p in net.parameters():  # random everywhere (the last layer starts at zero)
        torch.nn.init.normal_(p, 0, 0.1)
    x = torch.zeros(1, 3, n, n, requires_grad=True)
    y = task.compose(x, net({"condition": x}))
    y[0, :, n // 2 * s, n // 2 * s].sum().backward()
    rows, cols = torch.nonzero(x.grad[0].abs().sum(0), as_tuple=True)
    radius = max((rows - n // 2).abs().max(), (cols - n // 2).abs().max())
    assert 0 < radius <= PAD, f"{name}: receptive field radius {int(radius)} LR px"


@pytest.mark.parametrize("shape", [(1, 300), (300, 1), (3, 97)])
def test_a_strip_costs_what_its_pixels_cost_and_equals_one_pass(tiny_generator, photo, shape):
    """A 1-pixel-high strip was cut into full squares (300 times its own pixels through the network; nine
    minutes for 20000 x 1 at x4); cores now fit the picture's shape, and the result is the same."""
    from apps.superres.tiles import upscale_tiled

    strip = np.ascontiguousarray(np.resize(photo, (*shape, 3)))
    up = Upscaler(*tiny_generator, tile=64, pad=PAD)
    fed = []
    ch, cw = (min(64, shape[0]) + 2 * PAD, min(64, shape[1]) + 2 * PAD)
    net = up._net((ch, cw))

    def counting(x):
        fed.append(x.shape[-2] * x.shape[-1])
        return up.task.compose(x, net({"condition": x}))

    out = upscale_tiled(strip, counting, up.scale, 64, PAD)
    assert out.shape == (2 * shape[0], 2 * shape[1], 3)
    padded = (shape[0] + 2 * PAD) * (shape[1] + 2 * PAD)  # the picture with its context, once
    assert sum(fed) <= 3 * padded, f"work follows the picture's pixels: {sum(fed)} fed for {padded}"
    one = Upscaler(*tiny_generator, tile=1000, pad=PAD).upscale_array(strip)
    assert np.abs(out.astype(int) - one.astype(int)).max() <= 1
