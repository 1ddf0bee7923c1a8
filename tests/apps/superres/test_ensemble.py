"""Self-ensemble: the mean of the model over the 8 flips and quarter-turns, turned back."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.superres.ensemble import self_ensemble
from apps.superres.infer import Upscaler
from gancore.data import list_images, read_rgb

from .conftest import PAD

KERNEL = torch.arange(9.0).view(1, 1, 3, 3) / 36  # no symmetry at all: each view gives another output


def lopsided(x: torch.Tensor) -> torch.Tensor:
    """x2 up after a convolution with an asymmetric kernel: not equivariant to flips or turns."""
    y = F.conv2d(x, KERNEL.expand(x.shape[1], 1, 3, 3), padding=1, groups=x.shape[1])
    return F.interpolate(y, scale_factor=2, mode="nearest")


def test_an_equivariant_model_is_unchanged():
    x = torch.rand(2, 3, 8, 8)
    up = lambda t: F.interpolate(t, scale_factor=2, mode="nearest")  # noqa: E731
    assert torch.allclose(self_ensemble(up, x), up(x))


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 12), st.integers(0, 3), st.booleans(), st.integers(0, 2**31 - 1))
def test_the_ensemble_is_equivariant_even_when_the_model_is_not(side, k, flip, seed):
    x = torch.rand(1, 3, side, side, generator=torch.Generator().manual_seed(seed))
    turned = torch.rot90(x.flip(-1) if flip else x, k, (-2, -1))
    expected = torch.rot90(self_ensemble(lopsided, x).flip(-1) if flip else self_ensemble(lopsided, x), k, (-2, -1))
    assert torch.allclose(self_ensemble(lopsided, turned), expected, atol=1e-6)


def test_it_is_the_mean_of_the_eight_views_turned_back():
    x = torch.rand(1, 3, 6, 6)
    views = []
    for flip in (False, True):
        for k in range(4):
            v = torch.rot90(x.flip(-1) if flip else x, k, (-2, -1))
            y = torch.rot90(lopsided(v), -k, (-2, -1))
            views.append(y.flip(-1) if flip else y)
    assert torch.allclose(self_ensemble(lopsided, x), torch.stack(views).mean(0), atol=1e-6)
    assert not torch.allclose(self_ensemble(lopsided, x), lopsided(x), atol=1e-3)  # it did change something


def test_non_square_inputs_are_refused():
    with pytest.raises(ValueError, match="square"):
        self_ensemble(lopsided, torch.rand(1, 3, 4, 6))


def test_tiles_still_equal_one_pass_with_the_ensemble(tiny_generator, small_photos):
    photo = read_rgb(list_images(small_photos)[0])
    tiled = Upscaler(*tiny_generator, tile=16, pad=PAD, ensemble=True).upscale_array(photo)
    one = Upscaler(*tiny_generator, tile=1000, pad=PAD, ensemble=True).upscale_array(photo)
    plain = Upscaler(*tiny_generator, tile=1000, pad=PAD).upscale_array(photo)
    assert np.abs(tiled.astype(int) - one.astype(int)).max() <= 1
    assert np.abs(one.astype(int) - plain.astype(int)).mean() > 0.1, "the ensemble changes the random model's output"
