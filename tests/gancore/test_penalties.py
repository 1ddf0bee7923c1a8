"""Penalties: values by hand on critics with known gradients, torch.autograd as the reference, config forms."""

from __future__ import annotations

import math

import pytest
import torch

from gancore.config.components import PenaltiesConfig
from gancore.errors import ConfigError
from gancore.penalties import CriticInputs
from gancore.penalties.gradient import interpolate

W = torch.tensor([3.0, -4.0])  # a linear critic D(x) = x . W has gradient W everywhere
NORMS = {"l1": 7.0, "l2": 5.0, "linf": 4.0}


def build(spec):
    (p,) = PenaltiesConfig.from_json(spec, "penalty").build()
    return p


def linear_inputs(b=4):
    torch.manual_seed(0)
    return CriticInputs(lambda x: x @ W, torch.randn(b, 2), torch.randn(b, 2))


@pytest.mark.parametrize(
    "name, norm, form",
    [
        ("gradient_penalty", "l2", "least_squares"),
        ("GP_L2_LS", "l2", "least_squares"),
        ("GP_L1_LS", "l1", "least_squares"),
        ("GP_Linf_LS", "linf", "least_squares"),
        ("GP_L2_Hinge", "l2", "hinge"),
        ("GP_L1_Hinge", "l1", "hinge"),
        ("GP_Linf_Hinge", "linf", "hinge"),
        ("gradient_penalty_max", "l2", "squared_hinge"),
    ],
)
def test_gradient_penalties_by_hand_on_a_linear_critic(name, norm, form):
    n = NORMS[norm]
    want = {"least_squares": (n - 1) ** 2, "hinge": max(0.0, n - 1), "squared_hinge": max(0.0, n - 1) ** 2}[form]
    p = build({"type": name, "weight": 2})
    assert p.value(linear_inputs()).item() == pytest.approx(want, rel=1e-5)
    assert p.loss(linear_inputs()).item() == pytest.approx(2 * want, rel=1e-5)


def test_zero_centred_is_the_squared_norm():
    for name in ("zero_centered", "GP_0GP", "0gp", "gradient_penalty_centered"):
        assert build(name).value(linear_inputs()).item() == pytest.approx(25.0)


def test_one_sided_forms_vanish_below_the_target():
    small = CriticInputs(lambda x: 0.1 * x.sum(1), torch.randn(4, 2), torch.randn(4, 2))  # ||grad|| < 1
    assert build("gradient_penalty_max").value(small).item() == 0.0
    assert build("GP_L2_Hinge").value(small).item() == 0.0
    assert build("gradient_penalty").value(small).item() > 0


def quadratic(x):
    """D(x) = sum x^3 / 3 + (x0 * x1): a gradient that varies with x, so the interpolation matters."""
    return (x.pow(3) / 3).sum(1) + x[:, 0] * x[:, 1]


@pytest.mark.parametrize("norm", ["l1", "l2", "linf"])
@pytest.mark.parametrize("form", ["least_squares", "hinge", "squared_hinge"])
def test_gradient_penalty_matches_autograd(norm, form):
    real, fake = torch.randn(6, 2), torch.randn(6, 2)
    p = build({"type": "gradient_penalty", "norm": norm, "form": form, "target": 0.5})
    torch.manual_seed(3)
    got = p.value(CriticInputs(quadratic, real, fake))
    # the reference: the same alpha, torch.autograd.functional.jacobian of each sample
    torch.manual_seed(3)
    alpha = torch.rand(6, 1)
    x = alpha * real + (1 - alpha) * fake
    grads = torch.stack([torch.autograd.functional.jacobian(lambda v: quadratic(v[None])[0], xi) for xi in x])
    n = {"l1": grads.abs().sum(1), "l2": grads.norm(dim=1), "linf": grads.abs().max(1).values}[norm]
    want = {
        "least_squares": (n - 0.5) ** 2,
        "hinge": (n - 0.5).clamp_min(0),
        "squared_hinge": (n - 0.5).clamp_min(0) ** 2,
    }
    assert got.item() == pytest.approx(want[form].mean().item(), rel=1e-5)


def test_gradient_penalty_is_differentiable_in_d_parameters():
    d = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    inputs = CriticInputs(lambda x: d(x), torch.randn(4, 2), torch.randn(4, 2))
    build("gradient_penalty").value(inputs).backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in d.parameters() if p.dim() > 1)


def test_interpolates_lie_between_real_and_fake():
    real, fake = torch.zeros(100, 3), torch.ones(100, 3)
    x = interpolate(real, fake)
    assert x.requires_grad and (x >= 0).all() and (x <= 1).all()
    assert torch.equal(x[:, 0], x[:, 1])  # one alpha per sample


def test_r1_and_r2_by_hand():
    real, fake = torch.tensor([[1.0, 2.0], [0.0, -1.0]]), torch.tensor([[3.0, 0.0], [1.0, 1.0]])
    inputs = CriticInputs(lambda x: x.square().sum(1), real, fake)  # grad = 2x
    r1 = 0.5 * ((4 * (1 + 4)) + (4 * (0 + 1))) / 2  # 0.5 * mean ||2 x_real||^2
    r2 = 0.5 * ((4 * 9) + (4 * 2)) / 2
    assert build({"type": "r1", "weight": 10}).value(inputs).item() == pytest.approx(r1)
    assert build({"type": "r1", "weight": 10}).loss(inputs).item() == pytest.approx(10 * r1)
    assert build("r2").value(inputs).item() == pytest.approx(r2)


def test_clamp_clips_weights_and_adds_no_loss():
    d = torch.nn.Linear(3, 3)
    with torch.no_grad():
        d.weight.fill_(0.5)
        d.bias.fill_(-0.5)
    p = build({"type": "clamp_penalty", "clamp_lower": -0.02, "clamp_upper": 0.01})
    assert p.value(linear_inputs()) is None
    p.after_d_step(d)
    assert d.weight.max().item() == pytest.approx(0.01) and d.bias.min().item() == pytest.approx(-0.02)
    with pytest.raises(ConfigError, match="clamp_lower"):
        build({"type": "clamp", "clamp_lower": 1, "clamp_upper": 0})


def test_none_and_gagas_zero_penalty_add_nothing():
    for name in ("none", "zero_penalty"):
        p = build(name)
        assert p.loss(linear_inputs()) is None


def test_lazy_regularisation_applies_every_interval_scaled():
    p = build({"type": "gradient_penalty", "weight": 1, "interval": 4})
    assert [p.active(i) for i in range(6)] == [True, False, False, False, True, False]
    assert p.loss(linear_inputs()).item() == pytest.approx(4 * 16.0)  # (5 - 1)^2 scaled by the interval
    with pytest.raises(ConfigError, match="interval"):
        build({"type": "r1", "interval": 0})


def test_config_forms_one_list_and_gaga_names():
    assert PenaltiesConfig.from_json("r1", "penalty").to_json() == [{"type": "r1", "weight": 10.0, "interval": 1}]
    many = PenaltiesConfig.from_json([{"type": "r1", "weight": 5}, "clamp"], "penalty").build()
    assert [type(p).__name__ for p in many] == ["R1", "Clamp"] and many[0].weight == 5
    gaga = PenaltiesConfig.from_json({"penalty_type": "gradient_penalty_max", "penalty_weight": 3}, "penalty").build()
    assert gaga[0].form == "squared_hinge" and gaga[0].weight == 3
    with pytest.raises(ConfigError, match=r"penalty\[1\].type: unknown penalty 'gp' \(valid: .*r1"):
        PenaltiesConfig.from_json(["r1", "gp"], "penalty")


def test_penalty_enters_the_d_step(toy_dict):
    """A trainer adds the weighted penalty to D's loss and logs it."""
    from gancore.config import config_from_dict
    from gancore.gan import build_gan

    toy_dict["penalty"] = {"type": "gradient_penalty", "weight": 10}
    cfg = config_from_dict(toy_dict)
    torch.manual_seed(0)
    gan = build_gan(cfg)
    logs = cfg.trainer.build(gan).step(gan.task.sample(16))
    assert "penalty_gp" in logs and math.isfinite(logs["penalty_gp"].item())


@pytest.mark.parametrize("name", ["gradient_penalty", "GP_L1_LS", "GP_Linf_Hinge", "zero_centered", "r1", "r2"])
def test_penalties_under_bf16_autocast_stay_close_to_fp32(name):
    """Under autocast D runs in bf16, but the input gradient and its norm are taken in fp32."""
    torch.manual_seed(0)
    d = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.LeakyReLU(0.2), torch.nn.Conv2d(8, 1, 3))
    real = torch.rand(4, 3, 16, 16) * 2 - 1
    fake = (torch.rand(4, 3, 16, 16) * 2 - 1).bfloat16()  # G's output under autocast is bf16
    p = build({"type": name, "weight": 1, "target": 0.5} if name.startswith("GP_") else name)

    torch.manual_seed(1)
    want = p.value(CriticInputs(d, real, fake.float()))
    torch.manual_seed(1)  # the same interpolation weights
    with torch.autocast("cpu", dtype=torch.bfloat16):
        got = p.value(CriticInputs(d, real, fake))
    assert got.dtype == torch.float32
    assert got.item() == pytest.approx(want.item(), rel=0.03, abs=1e-4)
    got.backward()  # double backward through the bf16 forward reaches D's weights
    assert all(q.grad is not None and torch.isfinite(q.grad).all() for q in d.parameters() if q.dim() > 1)
