"""Small maps as one matrix product: the same outputs and gradients as torch.nn's kernels, and the path taken."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from gancore.layers import small_conv
from gancore.layers.small_conv import Conv2d, ConvTranspose2d


def _both(ours: nn.Module, ref: nn.Module, x: torch.Tensor):
    """Outputs and every gradient of two modules with the same weights on the same input."""
    ref.load_state_dict(ours.state_dict())
    results = []
    for m in (ours, ref):
        xi = x.detach().clone().requires_grad_()
        y = m(xi)
        y.backward(torch.linspace(-1, 1, y.numel()).view_as(y))
        results.append((y.detach(), xi.grad, *(p.grad for p in m.parameters())))
    return results


def _close(a, b):
    for p, q in zip(a, b, strict=True):
        assert (p - q).abs().max() <= 1e-4 * (1 + q.abs().max()), (p - q).abs().max()  # float sums, reordered


@settings(max_examples=25, deadline=None)
@given(
    cin=st.integers(1, 12), cout=st.integers(1, 12), size=st.integers(1, 6), k=st.integers(1, 4),
    stride=st.integers(1, 2), dilation=st.integers(1, 2), bias=st.booleans(), batch=st.integers(1, 3),
)  # fmt: skip
def test_conv_equals_torch_on_small_maps(cin, cout, size, k, stride, dilation, bias, batch):
    pad = (k - 1) // 2 * dilation
    if size + 2 * pad < dilation * (k - 1) + 1:
        return  # no output: torch refuses too
    torch.manual_seed(0)
    ours = Conv2d(cin, cout, k, stride, pad, dilation, bias=bias)
    ref = nn.Conv2d(cin, cout, k, stride, pad, dilation, bias=bias)
    _close(*_both(ours, ref, torch.randn(batch, cin, size, size + 1)))


@settings(max_examples=25, deadline=None)
@given(
    cin=st.integers(1, 12), cout=st.integers(1, 12), size=st.integers(1, 4), k=st.integers(2, 5),
    stride=st.integers(1, 3), bias=st.booleans(), batch=st.integers(1, 3), extra=st.integers(0, 1),
)  # fmt: skip
def test_deconv_equals_torch_on_small_maps(cin, cout, size, k, stride, bias, batch, extra):
    pad = (k - stride + 1) // 2 if k >= stride else 0
    extra = min(extra, stride - 1)
    if (size - 1) * stride - 2 * pad + k + extra < 1:
        return  # no output: torch refuses too
    torch.manual_seed(0)
    ours = ConvTranspose2d(cin, cout, k, stride, pad, output_padding=extra, bias=bias)
    ref = nn.ConvTranspose2d(cin, cout, k, stride, pad, output_padding=extra, bias=bias)
    _close(*_both(ours, ref, torch.randn(batch, cin, size, size)))


def test_the_matrix_path_is_taken_only_for_small_maps_on_a_cpu_in_fp32(monkeypatch):
    calls = []
    real_conv, real_deconv = small_conv.conv_gemm, small_conv.deconv_gemm
    monkeypatch.setattr(small_conv, "conv_gemm", lambda *a: calls.append("conv") or real_conv(*a))
    monkeypatch.setattr(small_conv, "deconv_gemm", lambda *a: calls.append("deconv") or real_deconv(*a))
    conv, deconv = Conv2d(8, 8, 4, 2, 1), ConvTranspose2d(8, 8, 4, 2, 1)
    conv(torch.randn(2, 8, 8, 8))  # 4 x 4 out: small
    deconv(torch.randn(2, 8, 4, 4))  # 4 x 4 in: small
    assert calls == ["conv", "deconv"]
    conv(torch.randn(2, 8, 16, 16)), deconv(torch.randn(2, 8, 8, 8))  # 8 x 8: torch's kernels
    wide = ConvTranspose2d(512, 8, 4, 2, 1)
    wide(torch.randn(1, 512, 8, 8))  # 8 x 8 from 512 channels: the matrix path
    wide(torch.randn(1, 512, 9, 8))  # 72 pixels: torch's
    assert calls == ["conv", "deconv", "deconv"]
    with torch.autocast("cpu", dtype=torch.bfloat16):
        conv(torch.randn(2, 8, 8, 8)), deconv(torch.randn(2, 8, 4, 4))
    conv.double()(torch.randn(2, 8, 8, 8, dtype=torch.float64))
    assert calls == ["conv", "deconv", "deconv"]
    traced = torch.jit.trace(conv.float(), torch.randn(1, 8, 8, 8))  # an exported graph keeps aten::_convolution
    assert "_convolution" in str(traced.inlined_graph) and "im2col" not in str(traced.inlined_graph)


def test_the_dsl_builds_them_and_a_spectral_norm_still_applies():
    from gancore.layers.weights import spectral_norm

    conv = Conv2d(4, 4, 3, 1, 1)
    spectral_norm(conv)
    conv.eval()  # no power iteration between the two reads of the weight
    x = torch.randn(1, 4, 2, 2)
    w = conv.weight  # the normalised weight
    assert torch.allclose(conv(x), F.conv2d(x, w, conv.bias, 1, 1), atol=1e-5)
    from gancore.config import config_from_dict
    from gancore.gan import build_gan

    cfg = config_from_dict({
        "task": {"type": "colorizer"},
        "generator": {"input": "condition", "layers": ["conv 8 filter=4 stride=2", "deconv 2"]},
        "discriminator": {"input": "input", "layers": ["conv 1 filter=4 stride=2"]},
        "data": {"size": 8},
    })  # fmt: skip
    gan = build_gan(cfg)
    kinds = {type(m) for m in gan.generator.modules()}
    assert Conv2d in kinds and ConvTranspose2d in kinds


@pytest.mark.parametrize("shape", [(8, 512, 2, 2), (8, 1024, 4, 4)])
def test_pix2pix_bottleneck_shapes_match(shape):
    torch.manual_seed(0)
    x = torch.randn(*shape)
    ours, ref = ConvTranspose2d(shape[1], 64, 4, 2, 1), nn.ConvTranspose2d(shape[1], 64, 4, 2, 1)
    _close(*_both(ours, ref, x))
