"""The upscaler's Gradio page: built from a model file; its handler returns the pair and the PNG."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

gr = pytest.importorskip("gradio")


@pytest.fixture
def model_file(tmp_path, tiny_generator, sr_dict):
    from gancore.engine.checkpoint import export_generator

    _, gen, _ = tiny_generator
    path = tmp_path / "tiny-x2.safetensors"
    export_generator(path, gen, 0, sr_dict)
    return path


def test_before_after(upscaler):
    from apps.superres.demo import before_after

    img = Image.fromarray(np.random.default_rng(0).integers(0, 256, (20, 30, 4), dtype=np.uint8), "RGBA")
    before, after = before_after(upscaler, img, 2)
    assert before.size == after.size == (60, 40)
    assert after.mode == "RGBA" and before.mode == "RGBA", "the model's output keeps the alpha"


def test_make_demo(model_file, small_photos):
    from apps.superres.demo import make_demo

    page = make_demo(model_file)
    assert isinstance(page, gr.Blocks)
    fn = next(f for f in page.fns.values() if f.api_name == "upscale_page")
    photo = Image.open(next(small_photos.glob("*.jpg")))
    (before, after), png, row, *_ = fn.fn(photo, "x2")
    assert row["visible"] is False  # no second model asked
    assert png is after and after.size == (2 * photo.width, 2 * photo.height) and before.size == after.size
    with pytest.raises(gr.Error, match="Upload a picture first"):
        fn.fn(None, "x2")


def test_the_page_offers_every_upscaler_beside_the_model(tmp_path, model_file):
    import shutil

    from apps.superres.demo import shipped_models

    shutil.copy(model_file, tmp_path / "superres-x2.safetensors")
    shutil.copy(model_file, tmp_path / "superres-x2-gan.safetensors")
    (tmp_path / "superres-notes.safetensors").write_bytes(b"not a model")
    found = list(shipped_models(tmp_path / "superres-x2.safetensors"))
    shipped = ["superres-x2 (x2, PSNR: faithful)", "superres-x2-gan (x2, GAN: sharper texture)"]
    assert found[:2] == shipped, "the model, then the upscalers beside it (the notes file is no model)"
    assert all(label.endswith(", your run)") for label in found[2:]), "then only the runs under runs/, if any"


def test_a_fractional_scale_is_refused_not_rounded(model_file, small_photos):
    """``/upscale`` with scale 2.5 answered x2 in silence (the number was rounded before the handler)."""
    from apps.superres.demo import make_demo

    page = make_demo(model_file)
    fn = next(f for f in page.fns.values() if f.api_name == "upscale")
    photo = Image.open(next(small_photos.glob("*.jpg")))
    value = fn.inputs[1].preprocess(2.5)
    with pytest.raises(gr.Error, match=r"scale must be an integer from 2 to 2, got 2\.5"):
        fn.fn(photo, value)
    assert fn.fn(photo, fn.inputs[1].preprocess(2)).size == (2 * photo.width, 2 * photo.height)


def test_the_users_runs_are_offered_after_the_shipped_models(tmp_path, model_file, monkeypatch):
    import shutil

    from apps.superres.demo import shipped_models

    shutil.copy(model_file, tmp_path / "superres-x2.safetensors")
    for name in ("superres-20261201-100000", "superres-20261206-120000", "colorizer-20261206-120000"):
        (tmp_path / "runs" / name).mkdir(parents=True)
        shutil.copy(model_file, tmp_path / "runs" / name / "generator.safetensors")
    monkeypatch.chdir(tmp_path)
    found = list(shipped_models(tmp_path / "superres-x2.safetensors"))
    assert found == [
        "superres-x2 (x2, PSNR: faithful)",
        "superres-20261206-120000 (x2, your run)",
        "superres-20261201-100000 (x2, your run)",
    ]


def test_the_strength_slider_goes_from_the_psnr_model_to_the_gan_model(tmp_path, model_file, small_photos):
    """The Upscale tab's strength: 0 gives the PSNR model's picture, 1 the GAN model's, for a GAN model with
    its PSNR partner beside it; a PSNR model ignores it."""
    import shutil

    import torch
    from safetensors.torch import load_file, save_file

    from apps.superres.demo import make_demo
    from gancore.engine.checkpoint import read_metadata

    shutil.copy(model_file, tmp_path / "superres-x2.safetensors")
    tensors = load_file(str(model_file))
    torch.manual_seed(1)
    gan = {k: v + 0.05 * torch.randn_like(v) if v.is_floating_point() else v for k, v in tensors.items()}
    save_file(gan, str(tmp_path / "superres-x2-gan.safetensors"), metadata=read_metadata(model_file))
    page = make_demo(tmp_path / "superres-x2-gan.safetensors")
    fn = next(f for f in page.fns.values() if f.api_name == "upscale_page")
    photo = Image.open(next(small_photos.glob("*.jpg")))
    gan_label, psnr_label = "superres-x2-gan (x2, GAN: sharper texture)", "superres-x2 (x2, PSNR: faithful)"
    as_psnr = np.asarray(fn.fn(photo, "x2", psnr_label, 1.0)[1])
    assert np.array_equal(np.asarray(fn.fn(photo, "x2", gan_label, 0.0)[1]), as_psnr), "0: the PSNR model"
    full = np.asarray(fn.fn(photo, "x2", gan_label, 1.0)[1])
    assert not np.array_equal(full, as_psnr), "1: the GAN model"
    half = np.asarray(fn.fn(photo, "x2", gan_label, 0.5)[1])
    assert not np.array_equal(half, full) and not np.array_equal(half, as_psnr)
    assert np.array_equal(np.asarray(fn.fn(photo, "x2", psnr_label, 0.3)[1]), as_psnr), "PSNR models ignore it"
