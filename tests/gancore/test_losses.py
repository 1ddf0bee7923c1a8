"""Losses against hand-computed values on fixed tensors."""

from __future__ import annotations

import math

import pytest
import torch

from gancore.config.components import LossConfig, ReconstructionConfig

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


# ---- the rest of the menu, each against values computed by hand from the formulas ----

R2, F2 = [2.0, -1.0], [0.5, -3.0]  # REAL and FAKE as Python floats


def mean(xs):
    return sum(xs) / len(xs)


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def test_minimax_by_hand():
    mm = loss({"type": "minimax"})
    want_d = mean([softplus(-r) for r in R2]) + mean([softplus(f) for f in F2])
    want_g = mean([math.log(1 - sigmoid(f)) for f in F2])  # G minimises log(1 - D(G(z)))
    assert mm.d_loss(REAL, FAKE).item() == pytest.approx(want_d, rel=1e-6)
    assert mm.g_loss(None, FAKE).item() == pytest.approx(want_g, rel=1e-6)


def test_logistic_by_hand_and_reverse():
    lg = loss({"type": "logistic"})
    assert lg.d_loss(REAL, FAKE).item() == pytest.approx(
        mean([softplus(-r) for r in R2]) + mean([softplus(f) for f in F2])
    )
    assert lg.g_loss(None, FAKE).item() == pytest.approx(mean([softplus(-f) for f in F2]))
    rv = loss({"type": "logistic", "reverse": True})  # D's outputs negated
    assert rv.d_loss(REAL, FAKE).item() == pytest.approx(
        mean([softplus(r) for r in R2]) + mean([softplus(-f) for f in F2])
    )


def test_standard_with_labels_uses_them_as_targets():
    from gancore.losses import Labels

    sl = loss({"type": "standard"})
    labels = Labels(real=torch.tensor([0.8, 1.1]), fake=torch.tensor([0.2, 0.0]))
    bce = lambda x, t: softplus(-x) * t + softplus(x) * (1 - t)  # noqa: E731  (BCE with logits, soft target t)
    want = mean([bce(2, 0.8), bce(-1, 1.1)]) + mean([bce(0.5, 0.2), bce(-3, 0.0)])
    assert sl.d_loss(REAL, FAKE, labels=labels).item() == pytest.approx(want, rel=1e-6)


def test_least_squares_labels_map_onto_a_b():
    from gancore.losses import Labels

    ls = loss({"type": "least_squares", "labels": [-1, 1, 0]})
    labels = Labels(real=torch.tensor([0.9, 0.9]), fake=torch.tensor([0.1, 0.1]))  # -> targets 0.8 and -0.8
    want = 0.5 * (mean([(2 - 0.8) ** 2, (-1 - 0.8) ** 2]) + mean([(0.5 + 0.8) ** 2, (-3 + 0.8) ** 2]))
    assert ls.d_loss(REAL, FAKE, labels=labels).item() == pytest.approx(want)


def test_wasserstein_by_hand_and_reversed():
    w = loss({"type": "wasserstein"})
    assert w.d_loss(REAL, FAKE).item() == pytest.approx(mean(F2) - mean(R2))  # -1.25 - 0.5
    assert w.g_loss(None, FAKE).item() == pytest.approx(-mean(F2))
    r = loss({"type": "wgan", "reverse": True})  # the seed's form: d = d_real - d_fake, g = d_fake
    assert r.d_loss(REAL, FAKE).item() == pytest.approx(mean(R2) - mean(F2))
    assert r.g_loss(None, FAKE).item() == pytest.approx(mean(F2))


def test_hinge_by_hand():
    h = loss({"type": "hinge"})
    want_d = mean([max(0, 1 - r) for r in R2]) + mean([max(0, 1 + f) for f in F2])  # (0 + 2)/2 + (1.5 + 0)/2
    assert h.d_loss(REAL, FAKE).item() == pytest.approx(want_d) == 1.75
    assert h.g_loss(None, FAKE).item() == pytest.approx(1.25)


@pytest.mark.parametrize("base", ["standard", "least_squares", "hinge", "wasserstein"])
def test_ragan_by_hand(base):
    rg = loss({"type": "ragan", "base": base})
    assert rg.g_uses_real
    mr, mf = mean(R2), mean(F2)  # 0.5, -1.25
    rel_r = [r - mf for r in R2]  # real relative to the average fake: [3.25, 0.25]
    rel_f = [f - mr for f in F2]  # fake relative to the average real: [0, -3.5]

    def pair(up, down):
        if base == "standard":
            return mean([softplus(-u) for u in up]) + mean([softplus(d) for d in down])
        if base == "least_squares":
            return mean([(u - 1) ** 2 for u in up]) + mean([(d + 1) ** 2 for d in down])
        if base == "hinge":
            return mean([max(0, 1 - u) for u in up]) + mean([max(0, 1 + d) for d in down])
        return mean(down) - mean(up)

    assert rg.d_loss(REAL, FAKE).item() == pytest.approx(pair(rel_r, rel_f), rel=1e-6)
    assert rg.g_loss(REAL, FAKE).item() == pytest.approx(pair(rel_f, rel_r), rel=1e-6)


# HyperGAN's f_divergence_loss.py: output activation g_f and conjugate f*, composed by hand
F_DIV = {
    "kl": (lambda v: v, lambda t: math.exp(t - 1)),
    "reverse_kl": (lambda v: -math.exp(-v), lambda t: -1 - math.log(-t)),
    "js": (lambda v: math.log(2) - math.log(1 + math.exp(-v)), lambda t: -math.log(2 - math.exp(t))),
    "pearson": (lambda v: v, lambda t: 0.25 * t * t + t),
    "squared_hellinger": (lambda v: 1 - math.exp(-v), lambda t: t / (1 - t)),
    "total_variation": (lambda v: 0.5 * math.tanh(v), lambda t: t),
}


@pytest.mark.parametrize("name", sorted(F_DIV))
def test_f_divergence_by_hand(name):
    g, conj = F_DIV[name]
    want_d = -mean([g(r) for r in R2]) + mean([conj(g(f)) for f in F2])
    want_g = -mean([conj(g(f)) for f in F2])
    fd = loss({"type": name})
    assert fd.d_loss(REAL, FAKE).item() == pytest.approx(want_d, rel=1e-5)
    assert fd.g_loss(None, FAKE).item() == pytest.approx(want_g, rel=1e-5)
    alt = loss({"type": "f_divergence", "divergence": name, "g_loss_type": "alternative"})
    assert alt.g_loss(None, FAKE).item() == pytest.approx(-mean([g(f) for f in F2]), rel=1e-5)


def test_qp_by_hand():
    qp = loss({"type": "qp"})
    real = torch.tensor([[1.0, 1.0], [0.0, 2.0]])
    fake = torch.tensor([[0.0, 0.0], [0.0, 0.0]])  # per-sample mean |real - fake|: 1.0, 1.0
    dl = [2 - 0.5, -1 + 3]  # per-sample d_real - d_fake
    want = mean([-x + x * x / (2 * 10 * 1.0) for x in dl])
    assert qp.d_loss(REAL, FAKE, real=real, fake=fake).item() == pytest.approx(want, rel=1e-6)
    assert qp.g_loss(REAL, FAKE).item() == pytest.approx(mean(R2) - mean(F2))


def test_began_by_hand_and_k_update():
    bg = loss({"type": "began", "gamma": 0.5, "k_lambda": 0.1, "initial_k": 0.2})
    assert bg.autoencoder
    e_real, e_fake = torch.tensor([0.2, 0.4]), torch.tensor([0.5, 0.7])  # L1 energies per sample
    assert bg.d_loss(e_real, e_fake).item() == pytest.approx(0.3 - 0.2 * 0.6)
    assert bg.g_loss(None, e_fake).item() == pytest.approx(0.6)
    bg.update(e_real, e_fake)  # k <- clamp(0.2 + 0.1 * (0.5 * 0.3 - 0.6), 0, 1)
    assert bg.logs()["k"].item() == pytest.approx(0.2 + 0.1 * (0.15 - 0.6))
    assert bg.logs()["began_measure"].item() == pytest.approx(0.3 + abs(0.15 - 0.6))
    for _ in range(100):
        bg.update(e_real, e_fake)
    assert bg.logs()["k"].item() == 0.0  # clamped at 0
    bg.load_state_dict({"k": torch.tensor(0.7)})
    assert bg.state_dict()["k"].item() == pytest.approx(0.7)


def test_began_needs_an_autoencoder_discriminator():
    from gancore.config import config_from_dict
    from gancore.errors import ConfigError
    from gancore.gan import build_gan

    d = toy({"loss": {"type": "began"}})
    with pytest.raises(ConfigError, match="autoencoder"):
        build_gan(config_from_dict(d))
    d["discriminator"]["layers"][-1] = "linear 2"
    gan = build_gan(config_from_dict(d))
    points = torch.randn(5, 2)
    energy = gan.judge(torch.zeros(5, 0), points)
    assert energy.shape == (5,)
    assert torch.allclose(energy, (gan.discriminator({"input": points}) - points).abs().mean(1))


def toy(changes):
    from tests.gancore.conftest import toy_config_dict

    return {**toy_config_dict(), **changes}


def test_every_loss_is_registered():
    from gancore.losses import LOSSES

    want = {"standard", "minimax", "wasserstein", "least_squares", "hinge", "ragan", "logistic", "kl", "reverse_kl"}
    want |= {"js", "pearson", "squared_hellinger", "total_variation", "qp", "began"}
    assert want <= set(LOSSES.names())
