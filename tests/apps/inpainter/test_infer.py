"""Full-resolution filling: known pixels bit-identical, small holes cost small crops, masks read right."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from apps.inpainter.infer import fill_crop, inpaint, read_mask


class Recorder:
    """The real generator, remembering the input size of every call."""

    def __init__(self, gen):
        self.gen, self.sizes = gen, []

    def __call__(self, inputs):
        self.sizes.append(tuple(inputs["condition"].shape[-2:]))
        return self.gen(inputs)


def photo(h, w, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def test_known_pixels_are_bit_identical_at_full_resolution(tiny_generator):
    task, gen, _ = tiny_generator
    rgb = photo(700, 1000)
    hole = np.zeros((700, 1000), dtype=bool)
    hole[300:340, 500:560] = True
    hole[10:15, 10:400] = True
    out = inpaint(task, gen, rgb, hole)
    assert out.shape == rgb.shape and out.dtype == np.uint8
    assert np.array_equal(out[~hole], rgb[~hole])
    assert not np.array_equal(out[hole], rgb[hole]), "the holes were filled by the model"


def test_a_small_hole_in_a_big_photo_costs_a_small_crop(tiny_generator):
    task, gen, _ = tiny_generator
    rec = Recorder(gen)
    hole = np.zeros((3000, 4000), dtype=bool)
    hole[1000:1020, 2000:2030] = True
    inpaint(task, rec, photo(3000, 4000), hole)
    assert len(rec.sizes) == 1 and rec.sizes[0][0] * rec.sizes[0][1] <= 160 * 160


def test_big_crops_are_worked_at_max_side(tiny_generator):
    task, gen, _ = tiny_generator
    rec = Recorder(gen)
    rgb, hole = photo(600, 900), np.zeros((600, 900), dtype=bool)
    hole[100:500, 100:800] = True
    out = inpaint(task, rec, rgb, hole, max_side=256)
    assert max(rec.sizes[0]) <= 256 and all(s % 16 == 0 for s in rec.sizes[0])
    assert np.array_equal(out[~hole], rgb[~hole])


def test_a_hole_over_the_whole_photo_is_filled(tiny_generator):
    task, gen, _ = tiny_generator
    out = inpaint(task, gen, photo(60, 80), np.ones((60, 80), dtype=bool))
    assert out.shape == (60, 80, 3) and out.dtype == np.uint8


def test_fill_crop_pads_odd_sizes(tiny_generator):
    task, gen, _ = tiny_generator
    hole = np.zeros((37, 53), dtype=bool)
    hole[10:20, 10:20] = True
    out = fill_crop(task, gen, photo(37, 53), hole)
    assert out.shape == (37, 53, 3) and out.min() >= 0 and out.max() <= 255


def test_read_mask_thresholds_at_half(tmp_path):
    arr = np.array([[0, 127, 128, 255]], dtype=np.uint8)
    Image.fromarray(arr, "L").save(tmp_path / "m.png")
    assert read_mask(tmp_path / "m.png", (4, 1)).tolist() == [[False, False, True, True]]
    rgba = np.zeros((1, 2, 4), dtype=np.uint8)
    rgba[0, 0] = (255, 255, 255, 255)
    rgba[0, 1] = (255, 255, 255, 0)  # transparent white counts as black
    Image.fromarray(rgba, "RGBA").save(tmp_path / "a.png")
    assert read_mask(tmp_path / "a.png", (2, 1)).tolist() == [[True, False]]


def test_read_mask_resizes_with_a_warning(tmp_path, capsys):
    m = np.zeros((10, 20), dtype=np.uint8)
    m[:, 10:] = 255
    Image.fromarray(m).save(tmp_path / "m.png")
    hole = read_mask(tmp_path / "m.png", (40, 20))
    assert hole.shape == (20, 40) and hole[:, 20:].all() and not hole[:, :20].any()
    assert "resized" in capsys.readouterr().err


@pytest.mark.parametrize("shape", [(5, 5), (5, 5, 4)])
def test_inpaint_rejects_bad_shapes(tiny_generator, shape):
    task, gen, _ = tiny_generator
    with pytest.raises(ValueError):
        inpaint(task, gen, np.zeros(shape, np.uint8), np.zeros((5, 6), bool))


def test_a_cut_off_mask_is_named_not_blamed_on_the_photo(tmp_path, tiny_generator):
    from apps.inpainter.infer import Inpainter
    from gancore.data import BadImage

    task, gen, _ = tiny_generator
    src, masks = tmp_path / "in", tmp_path / "masks"
    src.mkdir()
    masks.mkdir()
    Image.new("RGB", (32, 24), (90, 120, 30)).save(src / "a.png")
    Image.new("L", (32, 24), 255).save(masks / "a.png")
    (masks / "a.png").write_bytes((masks / "a.png").read_bytes()[:40])  # cut off
    with pytest.raises(BadImage, match=rf"a\.png: its mask {masks / 'a.png'} is unreadable"):
        Inpainter(task, gen, src, masks, None).load(src / "a.png")
