"""Options every weight layer shares: ``sn``, ``lr_mul``, ``activation``, ``avg_pool``, ``bias``,
and ``trainable=false`` on any layer."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from gancore.errors import ConfigError
from gancore.network import build_network

WEIGHT_OPS = ["conv 6", "deconv 6", "resize_conv 6", "subpixel 6", "linear 6"]


def build(layers, shape=(3, 8, 8), **kw):
    return build_network("net", layers if isinstance(layers, list) else [layers], {"inp": shape}, "inp", **kw)


@pytest.mark.parametrize("text", [*WEIGHT_OPS, "self_attention", "modulated_conv2d 4", "residual 1"])
def test_spectral_norm_bounds_the_weights(text):
    torch.manual_seed(0)
    names = {"w": (5,)} if "modulated" in text else {}
    net = build_network("net", [f"{text} sn=true"], {"inp": (3, 8, 8), **names}, "inp")
    units = [m for m in net.modules() if hasattr(m, "parametrizations") and "weight" in m.parametrizations]
    assert units, "sn=true must parametrize the weights"
    x = {"inp": torch.randn(1, 3, 8, 8), "w": torch.randn(1, 5)}
    with torch.no_grad():
        for _ in range(15):  # power iterations run in training-mode forwards
            net(x)
    for m in units:
        w = m.weight.detach()
        w = w.transpose(0, 1) if isinstance(m, torch.nn.ConvTranspose2d) else w
        assert torch.linalg.matrix_norm(w.flatten(1), ord=2).item() == pytest.approx(1.0, abs=0.05)


def test_lr_mul_keeps_the_weights_and_scales_the_step():
    torch.manual_seed(0)
    plain = build("linear 4")
    torch.manual_seed(0)
    slow = build("linear 4 lr_mult=0.01")
    x = torch.randn(5, 3, 8, 8)
    assert torch.allclose(plain({"inp": x}), slow({"inp": x}), atol=1e-6), "same function at start"
    for net in (plain, slow):
        opt = torch.optim.Adam(net.parameters(), lr=1e-2)
        net({"inp": x}).sum().backward()
        opt.step()
    torch.manual_seed(0)
    fresh = build("linear 4").layers[0][1].weight.detach()
    moved_plain = (plain.layers[0][1].weight.detach() - fresh).abs().mean().item()
    moved_slow = (slow.layers[0][1].weight.detach() - fresh).abs().mean().item()
    assert moved_slow == pytest.approx(0.01 * moved_plain, rel=0.05)


def test_activation_option_runs_after_the_layer():
    net = build("conv 4 activation=lrelu")
    conv = net.layers[0].core
    x = torch.randn(2, 3, 8, 8)
    assert torch.allclose(net({"inp": x}), F.leaky_relu(conv(x), 0.2))
    nested = build("conv 4 activation=(lrelu 0.1)")
    assert nested.layers[0].post[0].negative_slope == 0.1


def test_avg_pool_option():
    net = build("conv 4 avg_pool=2")
    assert net.out_shape == (4, 4, 4)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("conv 4 activation=conv", "unknown activation 'conv'"),
        ("conv 4 avg_pool=16", "cannot avg_pool=16"),
        ("conv 4 lr_mul=0", "'lr_mul' must be positive"),
        ("conv 4 sn=yes", "'sn' must be true/false"),
        ("linear 4 lr_mul=1 lr_mult=2", "given twice"),
    ],
)
def test_exception(text, needle):
    with pytest.raises(ConfigError, match=needle):
        build(text)


def test_bias_false():
    assert build("conv 4 bias=false").layers[0].bias is None


def test_trainable_false_stays_frozen_through_training():
    torch.manual_seed(0)
    net = build(["conv 4 trainable=false name=a", "lrelu", "conv 2"])
    frozen = net.layers[0].weight.detach().clone()
    params = [p for p in net.parameters() if p.requires_grad]
    assert len(params) == 2, "only the second conv trains"
    opt = torch.optim.Adam(params, lr=0.1)
    net.requires_grad_(False)
    net.requires_grad_(True)
    net({"inp": torch.randn(2, 3, 8, 8)}).square().sum().backward()
    opt.step()
    assert torch.equal(net.layers[0].weight, frozen) and net.layers[0].weight.grad is None
    assert net.rows[0].frozen and not net.rows[2].frozen
