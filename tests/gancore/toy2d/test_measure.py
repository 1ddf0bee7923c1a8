"""The 2-D datasets and the measure: it must tell a good generator from a collapsed or blurry one."""

from __future__ import annotations

import pytest
import torch

from gancore.errors import UserError
from gancore.toy2d.datasets import NAMES, make_toy
from gancore.toy2d.measure import measure


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("name, modes", [("ring", 8), ("grid", 25), ("circle", 12), ("spiral", 12)])
def test_data_passes_its_own_measure(name, modes):
    toy = make_toy(name)
    m = measure(toy, toy.sample(2000, gen(1)), toy.sample(2000, gen(2)))
    assert (m.modes, m.modes_total) == (modes, modes)
    assert m.quality > 0.98  # 3 sigma holds 99.7% in 1-D, ~98.9% in 2-D
    assert 0.35 < m.nn_acc_real < 0.65 and 0.35 < m.nn_acc_fake < 0.65  # indistinguishable
    assert m.passed()


def test_ring_geometry():
    toy = make_toy("ring")
    assert torch.allclose(toy.centers.norm(dim=1), torch.full((8,), 2.0))
    x = toy.sample(4000, gen())
    assert (x.norm(dim=1) - 2).abs().mean() < 0.1


def test_collapse_is_caught():
    toy = make_toy("ring")
    one_mode = toy.centers[0] + 0.05 * torch.randn(2000, 2, generator=gen())
    m = measure(toy, one_mode, toy.sample(2000, gen(1)))
    assert m.modes == 1 and m.quality > 0.95 and not m.passed()
    assert m.nn_data_to_gen > 1.0 and m.nn_acc_real > 0.8  # data far from the samples; separable


def test_blur_is_caught():
    toy = make_toy("ring")
    blurry = toy.sample(2000, gen()) + 0.5 * torch.randn(2000, 2, generator=gen(3))
    m = measure(toy, blurry, toy.sample(2000, gen(1)))
    assert m.quality < 0.3 and not m.passed()
    assert m.nn_gen_to_data > m.nn_data_to_gen  # samples far from the data, but the data is covered


def test_a_stray_sample_does_not_cover_a_mode():
    toy = make_toy("ring")
    x = toy.sample(2000, gen())
    far = toy.centers[1:] + 0.01 * torch.randn(7, 2, generator=gen())
    mostly_mode0 = torch.cat([toy.centers[0] + 0.05 * torch.randn(1993, 2, generator=gen()), far])
    assert measure(toy, mostly_mode0, x).modes == 1


def test_non_finite_samples_count_as_bad():
    toy = make_toy("ring")
    x = toy.sample(100, gen())
    m = measure(toy, torch.full((100, 2), float("nan")), x)
    assert m.quality == 0.0 and m.modes == 0


def test_unknown_dataset():
    with pytest.raises(UserError, match="valid: " + ", ".join(NAMES)):
        make_toy("moons")
