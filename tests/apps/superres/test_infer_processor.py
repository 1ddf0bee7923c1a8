"""The upscaler's ``run`` processor: the split form (load in reader threads, model in the main one)."""

from __future__ import annotations

import argparse

import numpy as np
import pytest
from PIL import Image

from apps.superres.infer import FolderUpscaler, make_processor
from gancore.batch import Processor, autocast
from gancore.data import BadImage, list_images, open_image

from .conftest import PAD


def args(**kw) -> argparse.Namespace:
    return argparse.Namespace(**{"device": "cpu", "tile": 16, "tile_pad": PAD, "scale": None, **kw})


def test_smoke(tiny_generator, upscaler, small_photos, tmp_path):
    proc = make_processor(*tiny_generator, args())
    assert isinstance(proc, Processor) and isinstance(proc, FolderUpscaler)
    path = list_images(small_photos)[0]
    rgba = open_image(path).convert("RGBA")
    rgba.putalpha(128)
    rgba.save(tmp_path / "clear.png")
    for p in (path, tmp_path / "clear.png"):
        out = proc(proc.load(p))
        ref = upscaler.upscale(open_image(p))
        assert out.mode == ref.mode and out.size == ref.size
        assert np.array_equal(np.asarray(out), np.asarray(ref)), "the same as Upscaler.upscale()"


def test_exception(tiny_generator, tmp_path):
    from gancore.errors import UserError

    bad = tmp_path / "bad.png"
    bad.write_text("not a png")
    with pytest.raises(BadImage, match=r"bad\.png"):
        make_processor(*tiny_generator, args()).load(bad)
    with pytest.raises(UserError, match="--scale 3"):
        make_processor(*tiny_generator, args(scale=3))


def test_bf16_autocast_is_close_to_fp32(tiny_generator, small_photos):
    proc = make_processor(*tiny_generator, args())
    layers = proc.load(list_images(small_photos)[0])
    fp32 = np.asarray(proc(layers)).astype(int)
    with autocast("cpu", "bf16"):
        bf16 = np.asarray(proc(layers)).astype(int)
    assert bf16.shape == fp32.shape and isinstance(proc(layers), Image.Image)
    assert np.abs(bf16 - fp32).mean() < 2.0, "bf16 residual over an fp32 bicubic base"
