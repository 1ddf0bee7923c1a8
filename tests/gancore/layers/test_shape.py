"""Shape ops and sources: vectors as 1x1 images, ``const``, ``latent``, ``split``, ``pad``,
``residual`` blocks, pooling."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from gancore.errors import ConfigError
from gancore.network import build_network


def test_a_vector_feeds_image_ops_as_1x1():
    net = build_network("g", ["linear 8", "resize_conv 4", "resize_conv 2"], {"z": (5,)}, "z")
    assert [r.shape for r in net.rows] == [(8,), (4, 2, 2), (2, 4, 4)]
    assert net({"z": torch.randn(3, 5)}).shape == (3, 2, 4, 4)


def test_const_is_learned_and_ignores_the_input():
    net = build_network("g", ["const 4*2*3"], {"z": (5,)}, "z")
    y = net({"z": torch.randn(2, 5)})
    assert y.shape == (2, 3, 2, 4) and torch.equal(y[0], y[1])
    assert [p.shape for p in net.parameters()] == [(1, 3, 2, 4)]


def test_latent_op_and_its_absence():
    net = build_network("g", ["conv 2", "latent", "linear 3"], {"x": (1, 4, 4), "latent": (6,)}, "x")
    assert net.rows[1].shape == (6,)
    with pytest.raises(ConfigError, match=r"g.layers\[0\]: \"latent\": this network has no latent"):
        build_network("g", ["latent"], {"x": (1, 4, 4)}, "x")


def test_split_keeps_one_piece():
    net = build_network("g", ["split 128 1"], {"z": (256,)}, "z")
    z = torch.randn(2, 256)
    assert torch.equal(net({"z": z}), z[:, 128:])
    uneven = build_network("g", ["split 3 1 dim=2"], {"x": (2, 5, 4)}, "x")
    assert uneven.out_shape == (2, 2, 4)


def test_pad_reflect_and_four_sides():
    x = torch.randn(1, 2, 5, 5)
    net = build_network("g", ["pad 3 mode=reflect"], {"x": (2, 5, 5)}, "x")
    assert torch.equal(net({"x": x}), F.pad(x, (3, 3, 3, 3), mode="reflect"))
    with pytest.raises(ConfigError, match="must be smaller than the input"):
        build_network("g", ["pad 5 mode=reflect"], {"x": (2, 5, 5)}, "x")


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("residual 3", (4, 8, 8)),
        ("residual 1 block=up output_channels=2", (2, 16, 16)),
        ("residual 2 block=down norm=null activation=lrelu", (4, 4, 4)),
        ("residual 9 pad=reflect norm=batch_norm dropout=0.5", (4, 8, 8)),
    ],
)
def test_residual_shapes(text, shape):
    net = build_network("g", [text], {"x": (4, 8, 8)}, "x")
    assert net.out_shape == shape and net({"x": torch.randn(2, 4, 8, 8)}).shape == (2, *shape)


def test_residual_counts_blocks():
    one = build_network("g", ["residual 1"], {"x": (4, 8, 8)}, "x")
    nine = build_network("g", ["residual 9"], {"x": (4, 8, 8)}, "x")
    assert sum(p.numel() for p in nine.parameters()) == 9 * sum(p.numel() for p in one.parameters())


def test_residual_block_adds_its_input():
    net = build_network("g", ["residual 1 norm=null"], {"x": (2, 4, 4)}, "x")
    torch.nn.init.zeros_(net.layers[0][0].main[-1].weight)
    torch.nn.init.zeros_(net.layers[0][0].main[-1].bias)
    x = torch.randn(1, 2, 4, 4)
    assert torch.allclose(net({"x": x}), x), "a block whose branch outputs 0 is the identity"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("residual 2 activation=conv", "activation must be one of"),
        ("residual 2 filter=4", "'filter' must be odd"),
        ("split 4 0 dim=5", "dim must be 1..3"),
        ("const 2*2", None),
        ("upsample w=0", "'w' must be at least 1"),
        ("pixel_shuffle 2", r"must divide by factor\^2 = 4"),
    ],
)
def test_exception(text, needle):
    if needle is None:  # "const 2*2" is valid: (1, 2, 2)
        assert build_network("g", [text], {"x": (4, 8, 8)}, "x").out_shape == (1, 2, 2)
        return
    with pytest.raises(ConfigError, match=needle):
        build_network("g", [text], {"x": (6, 8, 8)}, "x")


def test_instance_norm_needs_more_than_a_pixel():
    with pytest.raises(ConfigError, match=r"instance norm needs more than one pixel, got \(8,\)"):
        build_network("g", ["linear 8", "instance_norm"], {"x": (4, 8, 8)}, "x")


def test_rrdb_is_esrgans_block_dense_inputs_and_scaled_residuals():
    net = build_network("g", ["rrdb 2 growth=8 scale=0.2"], {"x": (6, 9, 7)}, "x")
    blocks = list(net.modules())
    rrdbs = [m for m in blocks if type(m).__name__ == "RRDB"]
    dense = [m for m in blocks if type(m).__name__ == "DenseBlock"]
    assert len(rrdbs) == 2 and len(dense) == 6  # three dense blocks per RRDB
    convs = dense[0].convs
    assert [c.in_channels for c in convs] == [6, 14, 22, 30, 38]  # input + 8 more per earlier conv
    assert [c.out_channels for c in convs] == [8, 8, 8, 8, 6]
    # with the last conv of every dense block at zero, each dense block is the identity, so an RRDB
    # is x + 0.2 * x (ESRGAN's outer residual scales the chain's output, not a residual of it)
    for block in dense:
        torch.nn.init.zeros_(block.convs[-1].weight)
        torch.nn.init.zeros_(block.convs[-1].bias)
    x = torch.randn(2, 6, 9, 7)
    assert torch.allclose(net({"x": x}), 1.2 * 1.2 * x)
    torch.nn.init.constant_(dense[-1].convs[-1].bias, 1.0)  # the last dense block adds 0.2 * 1, scaled by 0.2
    assert torch.allclose(net({"x": x}), 1.44 * x + 0.2 * 0.2, atol=1e-6)


def test_one_ffc_layer_sees_the_whole_image_and_a_conv_does_not():
    torch.manual_seed(0)
    x = torch.randn(1, 4, 32, 32)
    y = x.clone()
    y[:, :, 0, 0] += 5.0  # change one corner pixel
    for text, reaches in (("ffc 8 ratio_g=0.5", True), ("conv 8", False)):
        net = build_network("g", [text], {"x": (4, 32, 32)}, "x").eval()
        diff = (net({"x": x}) - net({"x": y})).abs()
        assert bool(diff[..., 16:, 16:].max() > 1e-4) is reaches, text  # the far quarter


def test_ffc_runs_under_bf16_autocast_with_the_fft_in_fp32():
    net = build_network("g", ["ffc_residual 2 ratio_g=0.75"], {"x": (8, 16, 16)}, "x").eval()
    x = torch.randn(2, 8, 16, 16)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = net({"x": x})
    assert out.shape == x.shape and torch.isfinite(out).all()
    torch.testing.assert_close(out.float(), net({"x": x}), atol=0.15, rtol=0.05)  # bf16 convs, fp32 FFT


def test_gated_conv_gate_closes_the_output():
    net = build_network("g", ["gated_conv 4 activation=null"], {"x": (3, 8, 8)}, "x")
    gated = next(m for m in net.modules() if type(m).__name__ == "GatedConv")
    torch.nn.init.zeros_(gated.gate.weight)
    torch.nn.init.constant_(gated.gate.bias, -30.0)  # sigmoid(-30) ~ 1e-13: the gate is shut
    assert net({"x": torch.randn(2, 3, 8, 8)}).abs().max() < 1e-9
    torch.nn.init.constant_(gated.gate.bias, 30.0)  # wide open: the plain convolution
    x = torch.randn(2, 3, 8, 8)
    torch.testing.assert_close(net({"x": x}), gated.features(x))


def test_resize_conv_doubles_any_input_and_w_h_fix_the_output():
    """Built for 8 x 8, a U-Net's decoder still fits its skip on a 24 x 40 crop (the inpainter's crops)."""
    layers = ["conv 4 name=e", "conv 4 stride=2", "resize_conv 4", "cat e"]
    net = build_network("g", layers, {"x": (3, 8, 8)}, "x")
    assert net.out_shape == (8, 8, 8)
    assert net({"x": torch.randn(1, 3, 24, 40)}).shape == (1, 8, 24, 40)
    fixed = build_network("g", ["resize_conv 2 w=10 h=6"], {"x": (3, 4, 4)}, "x")
    assert fixed({"x": torch.randn(1, 3, 9, 9)}).shape == (1, 2, 6, 10)
    x = torch.randn(2, 3, 8, 8)
    same = build_network("g", ["resize_conv 2 mode=bilinear w=16 h=16"], {"x": (3, 8, 8)}, "x")
    by_two = build_network("g", ["resize_conv 2 mode=bilinear"], {"x": (3, 8, 8)}, "x")
    by_two.load_state_dict(same.state_dict())
    assert torch.allclose(same({"x": x}), by_two({"x": x}), atol=1e-6), "at the build size: the same output"
