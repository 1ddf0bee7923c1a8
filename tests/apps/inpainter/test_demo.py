"""The inpainter's Gradio page: built from a model file; its handler turns painted layers or a mask into holes."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

gr = pytest.importorskip("gradio")


@pytest.fixture
def model_file(tmp_path, tiny_generator, inp_dict):
    from gancore.engine.checkpoint import export_generator

    _, gen, _ = tiny_generator
    path = tmp_path / "tiny-inpainter.safetensors"
    export_generator(path, gen, 0, inp_dict)
    return path


@pytest.fixture
def fill_fn(model_file):
    from apps.inpainter.demo import make_demo

    page = make_demo(model_file)
    assert isinstance(page, gr.Blocks)
    return next(f for f in page.fns.values() if f.api_name == "fill_page").fn


def photo(w=80, h=60):
    return Image.fromarray(np.random.default_rng(1).integers(0, 256, (h, w, 3), dtype=np.uint8))


def test_painted_layer_becomes_the_hole(fill_fn):
    bg = photo()
    layer = np.zeros((60, 80, 4), dtype=np.uint8)
    layer[20:30, 30:50] = (255, 59, 59, 255)
    out, note = fill_fn({"background": bg.convert("RGBA"), "layers": [Image.fromarray(layer)], "composite": None}, None)
    got, ref = np.asarray(out), np.asarray(bg)
    hole = layer[..., 3] > 0
    assert out.size == bg.size and out.mode == "RGB"
    assert np.array_equal(got[~hole], ref[~hole]) and not np.array_equal(got[hole], ref[hole])
    assert "Filled 4.2%" in note


def test_uploaded_mask_is_resized_and_thresholded(fill_fn):
    bg = photo()
    m = np.zeros((30, 40), dtype=np.uint8)
    m[5:10, 5:10] = 255
    m[20:25, 20:25] = 90  # under 50 %: not a hole
    out, note = fill_fn({"background": bg, "layers": []}, Image.fromarray(m))
    got, ref = np.asarray(out), np.asarray(bg)
    changed = (got != ref).any(axis=2)
    assert changed[10:20, 10:20].any() and not changed[40:50, 40:50].any()
    assert not changed[:10].any() and not changed[20:].any(), "only the resized white square is filled"
    assert "resized" in note


def test_nothing_to_fill_is_a_clear_message(fill_fn):
    with pytest.raises(gr.Error, match="Upload a photo first"):
        fill_fn(None, None)
    with pytest.raises(gr.Error, match="Paint over what should be removed"):
        fill_fn({"background": photo(), "layers": [np.zeros((60, 80, 4), np.uint8)]}, None)
