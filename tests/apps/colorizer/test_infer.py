"""The colorizer's ``run`` processor: the split form (load in reader threads, model in the main one)."""

from __future__ import annotations

from argparse import Namespace

import numpy as np
import pytest
import torch
from PIL import Image

from apps.colorizer.infer import Colorizer, colorize, make_processor
from gancore.batch import Processor, autocast, process_folder
from gancore.data import BadImage, list_images, read_rgb
from gancore.gan import build_generator
from gancore.inference import load_generator


@pytest.fixture(scope="module")
def generator():
    from gancore.config import config_from_dict
    from tests.conftest import TINY

    torch.manual_seed(0)
    cfg = config_from_dict(TINY)
    task, gen = build_generator(cfg)
    return task, gen.eval().requires_grad_(False), cfg


def test_smoke(generator, small_photos):
    task, gen, cfg = generator
    proc = make_processor(task, gen, cfg, Namespace(device="cpu"))
    assert isinstance(proc, Processor) and isinstance(proc, Colorizer)
    path = list_images(small_photos)[0]
    out = proc(proc.load(path))
    rgb = read_rgb(path)
    assert out.mode == "RGB" and out.size == (rgb.shape[1], rgb.shape[0])
    assert np.array_equal(np.asarray(out), colorize(gen, cfg.data.size, rgb)), "the same as colorize()"


def test_exception(generator, tmp_path):
    task, gen, cfg = generator
    bad = tmp_path / "bad.jpg"
    bad.write_text("not a jpeg")
    with pytest.raises(BadImage, match=r"bad\.jpg"):
        make_processor(task, gen, cfg, Namespace(device="cpu")).load(bad)


def test_bf16_autocast_is_close_to_fp32(generator, small_photos):
    task, gen, cfg = generator
    proc = make_processor(task, gen, cfg, Namespace(device="cpu"))
    rgb = proc.load(list_images(small_photos)[1])
    fp32 = np.asarray(proc(rgb)).astype(int)
    with autocast("cpu", "bf16"):
        bf16 = np.asarray(proc(rgb)).astype(int)
    assert bf16.shape == fp32.shape
    assert np.abs(bf16 - fp32).mean() < 2.0 and np.abs(bf16 - fp32).max() < 40, "bf16 chroma, fp32 colour maths"


def test_folder(generator, small_photos, tmp_path):
    task, gen, cfg = generator
    report = process_folder(
        small_photos, tmp_path / "out", make_processor(task, gen, cfg, Namespace(device="cpu")), progress=False
    )
    assert report.ok and len(report.done) == 6
    for dst in report.done:
        with Image.open(dst) as img:
            assert img.mode == "RGB" and img.format == "PNG"


def test_border_pad_is_an_eighth_of_the_size_where_the_network_takes_it():
    from apps.colorizer.infer import border_pad
    from tests.helpers import ROOT

    _, gen, cfg = load_generator(ROOT / "assets" / "models" / "colorizer.safetensors", task="colorizer")
    assert border_pad(gen, cfg.data.size, torch.device("cpu")) == 16  # 128 + 32 = 160, a multiple of 32


def test_the_shipped_colorizer_paints_no_frame_on_an_evaluation_photo():
    from apps.colorizer.evaluate import scores
    from apps.colorizer.infer import colorize
    from gancore.data import read_rgb
    from tests.helpers import ROOT

    _, gen, cfg = load_generator(ROOT / "assets" / "models" / "colorizer.safetensors", task="colorizer")
    rgb = read_rgb(ROOT / "assets" / "eval" / "lxqt-fog.jpg")
    assert abs(scores(colorize(gen, cfg.data.size, rgb), rgb)["border_gap"]) < 3


def test_a_model_whose_output_is_not_finite_writes_nothing(generator, small_photos):
    import copy

    from gancore.errors import BadOutput

    _, gen, cfg = generator
    broken = copy.deepcopy(gen)
    with torch.no_grad():
        next(p for p in broken.parameters() if p.dim() == 4).fill_(float("nan"))
    rgb = read_rgb(list_images(small_photos)[0])
    with pytest.raises(BadOutput, match="NaN or infinite"):
        colorize(broken, cfg.data.size, rgb)
    assert colorize(gen, cfg.data.size, rgb).shape == rgb.shape
