"""The feather closes the step of colour at the edge of a fill made on a reduced crop, inside the hole only."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.inpainter import feather as fe
from apps.inpainter.infer import inpaint


def _scene(h=240, w=320, step=30.0):
    """A smooth photo, a box hole, and a fill that is the truth plus ``step`` levels (the seam) and some texture."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    truth = np.stack([60 + 0.3 * xx, 80 + 0.2 * yy, 120 + 0.1 * (xx + yy)], -1)
    rgb = truth.round().astype(np.uint8)
    hole = np.zeros((h, w), dtype=bool)
    hole[60:180, 100:260] = True
    texture = 4 * np.sin(xx / 3)[..., None]
    fill = truth + step + texture
    return rgb, hole, fill.astype(np.float32), truth


def _edge_step(out, rgb, hole):
    """Mean |hole pixel - its known left neighbour| along the hole's left edge, per channel averaged."""
    ys = np.nonzero(hole[:, 100])[0]
    return float(np.abs(out[ys, 100] - rgb[ys, 99].astype(np.float32)).mean())


def test_the_step_at_the_edge_closes_and_the_middle_keeps_the_fill():
    rgb, hole, fill, _ = _scene()
    factor = 0.25  # a crop reduced 4x: the feather is 4 px wide
    out = fe.feather(rgb, hole, fill, factor)
    assert _edge_step(fill, rgb, hole) > 25  # the seam, before
    assert _edge_step(out, rgb, hole) < 6  # after: the step is closed to the texture's size
    width = fe.width_for(factor)
    deep = hole.copy()
    deep[: 60 + int(width) + 2] = deep[180 - int(width) - 2 :] = False
    deep[:, : 100 + int(width) + 2] = deep[:, 260 - int(width) - 2 :] = False
    assert np.array_equal(out[deep], fill[deep]), "beyond the feather the fill is the model's, untouched"
    assert np.array_equal(out[~hole], fill[~hole]), "known pixels: nothing is added there"
    texture = out[120, 110:250, 0] - out[120, 110:250, 0].mean()
    assert texture.std() > 2, "the fill's own texture stays"


def test_a_fill_at_full_size_is_left_as_it_is():
    rgb, hole, fill, _ = _scene()
    assert fe.feather(rgb, hole, fill, 1.0) is fill
    assert fe.width_for(1.0) == 0.0 and fe.width_for(0.5) == 2.0 and fe.width_for(0.1) == pytest.approx(10.0)


@settings(max_examples=8, deadline=None)
@given(band=st.integers(7, 200))
def test_bands_give_the_result_of_one_pass(band):
    rgb, hole, fill, _ = _scene()
    whole = fe.feather(rgb, hole, fill, 0.2)  # 240 rows: one band
    with pytest.MonkeyPatch.context() as m:
        m.setattr(fe, "BAND", band)
        np.testing.assert_allclose(fe.feather(rgb, hole, fill, 0.2), whole, atol=1e-3)


def test_through_inpaint_known_pixels_stay_bit_identical_when_the_crop_is_reduced(tiny_generator):
    task, gen, _ = tiny_generator
    rgb = np.random.default_rng(0).integers(0, 256, (600, 900, 3), dtype=np.uint8)
    hole = np.zeros((600, 900), dtype=bool)
    hole[150:450, 200:700] = True
    out = inpaint(task, gen, rgb, hole, max_side=128)  # a crop of 900 px worked at 128: feathered
    assert np.array_equal(out[~hole], rgb[~hole])
    assert not np.array_equal(out[hole], rgb[hole])
