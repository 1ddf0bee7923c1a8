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
    editor = {"background": bg.convert("RGBA"), "layers": [Image.fromarray(layer)], "composite": None}
    (before, after), out, note, *_ = fill_fn(editor, None)
    got, ref = np.asarray(out), np.asarray(bg)
    hole = layer[..., 3] > 0
    assert after is out and (np.asarray(before)[hole] == (230, 40, 40)).all(), "the slider shows the hole red"
    assert np.array_equal(np.asarray(before)[~hole], ref[~hole])
    assert out.size == bg.size and out.mode == "RGB"
    assert np.array_equal(got[~hole], ref[~hole]) and not np.array_equal(got[hole], ref[hole])
    assert "Filled 4.2%" in note


def test_uploaded_mask_is_resized_and_thresholded(fill_fn):
    bg = photo()
    m = np.zeros((30, 40), dtype=np.uint8)
    m[5:10, 5:10] = 255
    m[20:25, 20:25] = 90  # under 50 %: not a hole
    _, out, note, *_ = fill_fn({"background": bg, "layers": []}, Image.fromarray(m))
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


def test_grow_the_mask_fills_a_ring_around_the_painted_hole(fill_fn):
    bg = photo()
    layer = np.zeros((60, 80, 4), dtype=np.uint8)
    layer[25:35, 35:45] = (255, 59, 59, 255)
    editor = {"background": bg, "layers": [Image.fromarray(layer)]}
    _, plain, _, *_ = fill_fn(editor, None)
    _, grown, note, *_ = fill_fn(editor, None, None, None, 4)
    changed = (np.asarray(grown) != np.asarray(bg)).any(axis=2)
    assert changed[22, 40] and not (np.asarray(plain) != np.asarray(bg)).any(axis=2)[22, 40]  # 3 px above the hole
    assert not changed[:18].any() and not changed[42:].any(), "grown by 4 px, no more"
    assert "Filled 6.2%" in note  # 10 x 10 grown by a 4-px disc: about 300 of 80 x 60 pixels (plain: 2.1 %)


def test_compare_runs_a_second_model_beside_the_first(tmp_path, model_file, monkeypatch):
    import shutil

    from apps.inpainter.demo import make_demo

    shutil.copy(model_file, tmp_path / "inpainter.safetensors")
    shutil.copy(model_file, tmp_path / "inpainter-strokes.safetensors")
    monkeypatch.chdir(tmp_path)  # no runs/ here
    page = make_demo(tmp_path / "inpainter.safetensors")
    fn = next(f for f in page.fns.values() if f.api_name == "fill_page").fn
    bg = photo()
    layer = np.zeros((60, 80, 4), dtype=np.uint8)
    layer[20:30, 30:50] = 255
    editor = {"background": bg, "layers": [Image.fromarray(layer)]}
    _, out, _, row, first, second = fn(editor, None, "inpainter", "inpainter-strokes", 0)
    assert row["visible"] is True and first["label"] == "A: inpainter" and second["label"] == "B: inpainter-strokes"
    assert np.array_equal(np.asarray(first["value"]), np.asarray(out))
    assert np.array_equal(np.asarray(second["value"]), np.asarray(out)), "the same weights fill the same"
    _, _, _, row, _, _ = fn(editor, None, "inpainter", "(none)", 0)
    assert row["visible"] is False
    with pytest.raises(gr.Error, match="unknown model"):
        fn(editor, None, "inpainter", "no-such-model", 0)
