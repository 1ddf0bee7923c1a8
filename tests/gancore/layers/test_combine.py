"""``add`` / ``cat`` / ``mul`` over self, names, noise and nested layers; ``layer NAME``."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from gancore.errors import ConfigError
from gancore.network import build_network


def test_latent_vector_tiled_for_cat():
    net = build_network("g", ["conv 4", "cat latent"], {"x": (3, 8, 8), "latent": (5,)}, "x")
    z = torch.randn(2, 5)
    y = net({"x": torch.randn(2, 3, 8, 8), "latent": z})
    assert y.shape == (2, 9, 8, 8)
    assert torch.equal(y[:, 4:, 3, 5], z)


def test_named_skip_reads_the_kept_output():
    net = build_network("g", ["tanh name=t", "relu", "cat t"], {"x": (2, 4, 4)}, "x")
    x = torch.randn(1, 2, 4, 4)
    y = net({"x": x})
    assert torch.allclose(y[:, :2], torch.relu(torch.tanh(x))) and torch.allclose(y[:, 2:], torch.tanh(x))


def test_add_self_nested_is_a_residual():
    net = build_network("g", ["add self (conv 3 filter=1)"], {"x": (3, 4, 4)}, "x")
    conv = net.layers[0].layers[1]
    x = torch.randn(2, 3, 4, 4)
    assert torch.allclose(net({"x": x}), x + conv(x))


def test_two_or_more_operands_combine_as_written():
    net = build_network("g", ["identity name=a", "relu", "add a (layer a)"], {"x": (2, 4, 4)}, "x")
    x = torch.randn(1, 2, 4, 4)
    assert torch.allclose(net({"x": x}), 2 * x), "HyperGAN: the operands only, not the input"
    cat3 = build_network("g", ["cat self self self"], {"x": (2, 4, 4)}, "x")
    assert cat3.out_shape == (6, 4, 4)


def test_mul_and_noise():
    x = torch.randn(2, 3, 4, 4)
    net = build_network("g", ["mul self self"], {"x": (3, 4, 4)}, "x")
    assert torch.allclose(net({"x": x}), x * x)
    noisy = build_network("g", ["add self noise"], {"x": (3, 4, 4)}, "x")
    assert not torch.allclose(noisy({"x": x}), noisy({"x": x}))
    assert build_network("g", ["cat noise"], {"x": (3, 4, 4)}, "x").out_shape == (6, 4, 4)


def test_layer_upsample_resizes_to_the_current_size():
    layers = ["conv 4 stride=2", "cat (layer x upsample=true)"]
    net = build_network("g", layers, {"x": (1, 8, 8)}, "x")
    assert net.out_shape == (5, 4, 4)
    x = torch.randn(2, 1, 8, 8)
    y = net({"x": x})
    assert torch.allclose(y[:, 4:], F.interpolate(x, size=(4, 4), mode="bilinear", align_corners=False))


def test_hypergan_0_10_concat_spellings():
    net = build_network("g", ["conv 2 name=e", "concat layer e", "concat noise"], {"x": (3, 4, 4)}, "x")
    assert net.out_shape == (8, 4, 4)


def test_layer_continues_from_a_name():
    net = build_network("g", ["conv 4 name=a", "conv 2 stride=2", "layer a"], {"x": (1, 8, 8)}, "x")
    assert net.out_shape == (4, 8, 8)


@pytest.mark.parametrize(
    ("layers", "needle"),
    [
        (["add self (conv 3 stride=2)"], r"cannot add \(3, 8, 8\) and \(conv 3 stride=2\) \(3, 4, 4\): shapes differ"),
        (["mul self (conv 2)"], r"cannot multiply \(3, 8, 8\) and \(conv 2\) \(2, 8, 8\)"),
        (["add self (conv 3 strid=2)"], r'"add self \(conv 3 strid=2\)": in \(conv 3 strid=2\): unknown option'),
        (["add self (conv 3 name=c)"], r"name= cannot be used inside"),
        (["add self nowhere"], r"unknown name 'nowhere' \(known: x\)"),
        (["layer x upsample=true mode=fancy"], r"mode must be"),
        (["flatten", "layer x upsample=true"], r"resizes an image to an image"),
        (["add self (reshape 9*9*9)"], r"cannot reshape"),
    ],
)
def test_exception(layers, needle):
    with pytest.raises(ConfigError, match=needle) as err:
        build_network("g", layers, {"x": (3, 8, 8)}, "x")
    assert str(err.value).startswith(f"g.layers[{len(layers) - 1}]: ")
