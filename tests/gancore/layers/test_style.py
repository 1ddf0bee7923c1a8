"""Style-conditioned ops read the named style vector ``w``: AdaIN, ez_norm, modulated_conv2d."""

from __future__ import annotations

import pytest
import torch

from gancore.errors import ConfigError
from gancore.network import build_network

NAMES = {"x": (4, 6, 6), "w": (8,)}


def run(layers, names=NAMES, batch=2):
    net = build_network("g", layers, names, "x")
    torch.manual_seed(1)
    inputs = {k: torch.randn(batch, *s) for k, s in names.items()}
    return net, inputs, net(inputs)


def test_adain_normalises_then_applies_the_style():
    net, inputs, y = run(["adaptive_instance_norm"])
    affine = net.layers[0].affine
    gamma, beta = affine(inputs["w"]).chunk(2, dim=1)
    x = inputs["x"]
    norm = (x - x.mean((2, 3), keepdim=True)) / x.var((2, 3), unbiased=False, keepdim=True).add(1e-5).sqrt()
    assert torch.allclose(y, (1 + gamma[:, :, None, None]) * norm + beta[:, :, None, None], atol=1e-5)


def test_adain_on_a_1x1_const_gives_beta():
    net, inputs, y = run(["const 1*1*4", "adaptive_instance_norm"])
    beta = net.layers[1].affine(inputs["w"])[:, 4:]
    assert torch.allclose(y[:, :, 0, 0], beta, atol=1e-5)


def test_style_reads_the_named_layer_and_falls_back_to_latent():
    net = build_network("g", ["linear 16 name=s", "layer x", "adaptive_instance_norm style=s"], {"x": (4, 6, 6)}, "x")
    assert net.layers[2].ref == "s" and net.layers[2].affine.in_features == 16
    net = build_network("g", ["adaptive_instance_norm", "linear 3 name=w"], {"x": (4, 6, 6), "latent": (5,)}, "x")
    assert net.layers[0].ref == "w" and net.layers[0].affine.in_features == 5, "w is the latent until named"
    assert net({"x": torch.randn(2, 4, 6, 6), "latent": torch.randn(2, 5)}).shape == (2, 3)


def test_missing_style_teaches():
    with pytest.raises(ConfigError, match=r"needs a style vector 'w': name one \(e.g. \"linear 128 name=w\"\)"):
        build_network("g", ["adaptive_instance_norm"], {"x": (4, 6, 6)}, "x")


def test_ez_norm_is_a_style_scaled_map():
    net, inputs, y = run(["ez_norm"])
    m = net.layers[0]
    expect = m.beta(inputs["w"])[:, :, None, None] * m.summary(inputs["x"])
    assert torch.allclose(y, expect) and y.shape == inputs["x"].shape


def test_modulated_conv_demodulates():
    for demodulate, invariant in (("true", True), ("false", False)):
        net, inputs, y = run([f"modulated_conv2d 5 demodulate={demodulate}"])
        with torch.no_grad():
            net.layers[0].affine.weight.mul_(3.0)
            net.layers[0].affine.bias.mul_(3.0)  # every style x3: demodulation undoes it
        assert torch.allclose(net(inputs), y, atol=1e-4) == invariant


def test_modulated_conv_styles_differ_per_sample():
    net, inputs, _ = run(["modulated_conv2d 5"])
    same_x = dict(inputs, x=inputs["x"][:1].expand(2, -1, -1, -1))
    out = net(same_x)
    assert not torch.allclose(out[0], out[1]), "two styles must give two outputs"


def test_equal_linear_scales_at_runtime():
    net = build_network("g", ["adaptive_instance_norm equal_linear=true"], NAMES, "x")
    stored = net.layers[0].affine.parametrizations.weight.original
    assert stored.std().item() == pytest.approx(1.0, rel=0.3)
