"""Losses against hand-computed values on fixed tensors."""

from __future__ import annotations

import math

import pytest
import torch

from gancore.config.schema import LossConfig, ReconstructionConfig

REAL = torch.tensor([2.0, -1.0])
FAKE = torch.tensor([0.5, -3.0])


def softplus(x: float) -> float:
    return math.log1p(math.exp(x))


def loss(spec):
    return LossConfig.from_json(spec, "loss").build()


def test_standard_by_hand():
    sl = loss({"type": "standard"})
    # D: -log s(r) - log(1 - s(f)) = softplus(-r) + softplus(f), means over elements
    want_d = (softplus(-2) + softplus(1)) / 2 + (softplus(0.5) + softplus(-3)) / 2
    want_g = (softplus(-0.5) + softplus(3)) / 2  # non-saturating: -log s(f)
    assert sl.d_loss(REAL, FAKE).item() == pytest.approx(want_d, rel=1e-6)
    assert sl.g_loss(None, FAKE).item() == pytest.approx(want_g, rel=1e-6)


def test_standard_label_smoothing_moves_real_target():
    plain = loss({"type": "standard"}).d_loss(REAL, FAKE)
    smooth = loss({"type": "standard", "label_smooth": 0.1}).d_loss(REAL, FAKE)
    r = torch.tensor([2.0, -1.0])
    want = torch.nn.functional.binary_cross_entropy_with_logits(r, torch.full_like(r, 0.9))
    want = want + torch.nn.functional.binary_cross_entropy_with_logits(FAKE, torch.zeros(2))
    assert smooth.item() == pytest.approx(want.item(), rel=1e-6) and smooth != plain


def test_least_squares_by_hand():
    ls = loss({"type": "least_squares", "labels": [-1, 1, 0]})
    want_d = 0.5 * (((2 - 1) ** 2 + (-1 - 1) ** 2) / 2 + ((0.5 + 1) ** 2 + (-3 + 1) ** 2) / 2)
    want_g = 0.5 * ((0.5 - 0) ** 2 + (-3 - 0) ** 2) / 2
    assert ls.d_loss(REAL, FAKE).item() == pytest.approx(want_d)
    assert ls.g_loss(None, FAKE).item() == pytest.approx(want_g)


def test_reconstruction_weights():
    out, target = torch.tensor([1.0, -1.0]), torch.tensor([0.0, 0.0])
    assert ReconstructionConfig.from_json({"type": "l1", "weight": 3}, "r").build()(out, target).item() == 3.0
    assert ReconstructionConfig.from_json({"type": "l2", "weight": 2}, "r").build()(out, 2 * target).item() == 2.0
