"""Initializers: ``initializer=(name args options)`` or a bare word, on any weight layer."""

from __future__ import annotations

import math

import pytest
import torch

from gancore.errors import ConfigError
from gancore.layers.init import INITIALIZERS
from gancore.network import build_network


def build(text: str, shape=(64, 8, 8), names=None):
    return build_network("net", [text], {"inp": shape, **(names or {})}, "inp")


def test_normal_is_dcgans():
    torch.manual_seed(0)
    net = build("conv 256 filter=5 initializer=(normal 0 0.02)")
    w = net.layers[0].weight
    assert abs(w.mean().item()) < 1e-3 and abs(w.std().item() - 0.02) < 1e-3
    assert net.layers[0].bias.abs().sum() == 0, "an initializer zeroes the bias"


@pytest.mark.parametrize(
    ("init", "std"),
    [
        ("(xavier_normal)", math.sqrt(2 / (64 * 9 + 128 * 9))),
        ("(xavier_normal gain=relu)", math.sqrt(2) * math.sqrt(2 / (64 * 9 + 128 * 9))),
        ("he_normal", math.sqrt(2 / (1 + 0.0**2)) / math.sqrt(64 * 9)),
        ("(kaiming_normal mode=fan_out gain=relu)", math.sqrt(2) / math.sqrt(128 * 9)),
        ("(stylegan)", math.sqrt(2 / (64 * 9))),
        ("(uniform -0.1 0.1)", 0.2 / math.sqrt(12)),
        ("(truncated_normal 0 0.05)", 0.05 * 0.88),
    ],
)
def test_spread(init, std):
    torch.manual_seed(0)
    w = build(f"conv 128 initializer={init}").layers[0].weight
    assert w.std().item() == pytest.approx(std, rel=0.05)


@pytest.mark.parametrize(
    ("init", "check"),
    [
        ("(zeros)", lambda w: (w == 0).all()),
        ("(ones)", lambda w: (w == 1).all()),
        ("(constant 0.5)", lambda w: (w == 0.5).all()),
        ("(orthogonal)", lambda w: torch.allclose(w.flatten(1) @ w.flatten(1).T, torch.eye(8), atol=1e-5)),
        ("(dirac)", lambda w: w[3, 3, 1, 1] == 1 and w.sum() == 8),
    ],
)
def test_exact(init, check):
    w = build(f"conv 8 initializer={init}", (8, 4, 4)).layers[0].weight
    assert check(w.detach())


def test_eye_on_linear():
    w = build("linear 6 initializer=(eye)", (6,)).layers[0][1].weight
    assert torch.equal(w.detach(), torch.eye(6))


def test_initializer_reaches_every_weight_of_a_composite():
    net = build("self_attention initializer=(zeros) gamma=1", (8, 4, 4))
    assert all((p == 0).all() for n, p in net.named_parameters() if n.endswith("weight"))


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("conv 4 initializer=(gauss)", "unknown initializer 'gauss'"),
        ("conv 4 initializer=(normal 0 wide)", "'std' must be a number"),
        ("conv 4 initializer=(xavier_normal gain=wobbly)", "initializer (xavier_normal gain=wobbly)"),
        ("conv 4 initializer=(eye)", "eye needs a linear layer"),
        ("conv 4 initializer=(kaiming_normal mode=sideways)", "fan_in or fan_out"),
    ],
)
def test_exception(text, needle):
    with pytest.raises(ConfigError) as err:
        build(text, (3, 8, 8))
    assert needle in str(err.value) and str(err.value).startswith("net.layers[0]: ")


def test_registry_has_the_issue_list():
    for name in ("normal", "uniform", "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal"):
        assert name in INITIALIZERS
    for name in ("orthogonal", "zeros", "ones", "constant", "he_normal", "glorot_uniform", "random_normal"):
        assert name in INITIALIZERS
