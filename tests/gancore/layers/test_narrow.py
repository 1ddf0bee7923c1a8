"""Layers with few outputs per pixel as a batched matrix product: the same outputs and gradients (first and
second order) as torch's, and the path taken only where it was measured faster."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from gancore.layers import narrow
from gancore.layers.small_conv import Conv2d, ConvTranspose2d


def _same(ours, ref, inputs):
    torch.testing.assert_close(ours, ref)
    grad = torch.randn_like(ref)
    for g, r in zip(torch.autograd.grad(ours, inputs, grad), torch.autograd.grad(ref, inputs, grad), strict=True):
        torch.testing.assert_close(g, r)


def _inputs(batch, cin, h, w, weight_shape, bias, cout):
    x = torch.randn(batch, cin, h, w, dtype=torch.float64, requires_grad=True)
    weight = torch.randn(*weight_shape, dtype=torch.float64, requires_grad=True)
    b = torch.randn(cout, dtype=torch.float64, requires_grad=True) if bias else None
    return x, weight, b, [x, weight] + ([b] if bias else [])


@settings(max_examples=40, deadline=None)
@given(
    cin=st.integers(1, 9), cout=st.integers(1, 4), h=st.integers(1, 9), w=st.integers(1, 9), k=st.integers(1, 5),
    stride=st.integers(1, 3), pad=st.integers(0, 3), dilation=st.integers(1, 2), bias=st.booleans(),
    batch=st.integers(1, 3),
)  # fmt: skip
def test_conv_equals_torch_with_gradients(cin, cout, h, w, k, stride, pad, dilation, bias, batch):
    size = tuple((n + 2 * pad - dilation * (k - 1) - 1) // stride + 1 for n in (h, w))
    if min(size) < 1:
        return  # torch refuses these too
    torch.manual_seed(0)
    x, weight, b, inputs = _inputs(batch, cin, h, w, (cout, cin, k, k), bias, cout)
    ours = narrow.narrow_conv(x, weight, b, (stride, stride), (pad, pad), (dilation, dilation), size)
    _same(ours, F.conv2d(x, weight, b, stride, pad, dilation), inputs)


@settings(max_examples=30, deadline=None)
@given(
    cin=st.integers(1, 9), cout=st.integers(1, 4), h=st.integers(1, 7), w=st.integers(1, 7), k=st.integers(1, 5),
    stride=st.integers(1, 3), pad=st.integers(0, 2), extra=st.integers(0, 2), bias=st.booleans(),
    batch=st.integers(1, 3),
)  # fmt: skip
def test_deconv_equals_torch_with_gradients(cin, cout, h, w, k, stride, pad, extra, bias, batch):
    extra = min(extra, stride - 1)
    size = tuple((n - 1) * stride - 2 * pad + k + extra for n in (h, w))
    if min(size) < 1 or pad >= k:
        return  # torch refuses these too
    torch.manual_seed(0)
    x, weight, b, inputs = _inputs(batch, cin, h, w, (cin, cout, k, k), bias, cout)
    ours = narrow.narrow_deconv(x, weight, b, (stride, stride), (pad, pad), size)
    _same(ours, F.conv_transpose2d(x, weight, b, stride, pad, output_padding=extra), inputs)


def test_second_order_gradients_for_penalties():
    torch.manual_seed(0)
    x = torch.randn(2, 3, 4, 5, dtype=torch.float64, requires_grad=True)
    up = torch.randn(3, 2, 4, 4, dtype=torch.float64, requires_grad=True)
    last = torch.randn(1, 3, 4, 4, dtype=torch.float64, requires_grad=True)
    deconv = lambda x, w: narrow.narrow_deconv(x, w, None, (2, 2), (1, 1), (8, 10))  # noqa: E731
    conv = lambda x, w: narrow.narrow_conv(x, w, None, (1, 1), (1, 1), (1, 1), (3, 4))  # noqa: E731
    for fn, w in ((deconv, up), (conv, last)):
        assert torch.autograd.gradcheck(fn, (x, w))
        assert torch.autograd.gradgradcheck(fn, (x, w))


def test_only_the_weight_needs_a_gradient():
    torch.manual_seed(0)
    x = torch.randn(2, 64, 6, 6)
    cases = (
        (lambda w: narrow.narrow_deconv(x, w, None, (2, 2), (1, 1), (12, 12)),
         lambda w: F.conv_transpose2d(x, w, None, 2, 1), torch.randn(64, 2, 4, 4)),
        (lambda w: narrow.narrow_conv(x, w, None, (1, 1), (1, 1), (1, 1), (5, 5)),
         lambda w: F.conv2d(x, w, None, 1, 1), torch.randn(1, 64, 4, 4)),
    )  # fmt: skip
    for ours, ref, w in cases:
        a, b = w.clone().requires_grad_(), w.clone().requires_grad_()
        ours(a).sum().backward(), ref(b).sum().backward()
        torch.testing.assert_close(a.grad, b.grad, rtol=1e-4, atol=1e-4)


def test_the_layers_take_it_for_last_layers_only(monkeypatch):
    calls = []
    for name in ("narrow_conv", "narrow_deconv"):
        real = getattr(narrow, name)
        monkeypatch.setattr(f"gancore.layers.small_conv.{name}", lambda *a, n=name, r=real: calls.append(n) or r(*a))
    torch.manual_seed(0)
    x = torch.randn(2, 128, 16, 16, requires_grad=True)
    up, rgb, patch = ConvTranspose2d(128, 2, 4, 2, 1), Conv2d(128, 3, 3, 1, 1), Conv2d(128, 1, 4, 1, 1)
    for layer, fn in ((up, F.conv_transpose2d), (rgb, F.conv2d), (patch, F.conv2d)):
        ref = fn(x, layer.weight, layer.bias, layer.stride, layer.padding)
        torch.testing.assert_close(layer(x), ref, rtol=1e-5, atol=1e-5)
    assert calls == ["narrow_deconv", "narrow_conv", "narrow_conv"]
    ConvTranspose2d(128, 8, 4, 2, 1)(x), Conv2d(128, 8, 3, 1, 1)(x)  # 128 and 72 taps: torch's
    few = x[:, :8].contiguous()  # few input channels: torch's
    ConvTranspose2d(8, 2, 4, 2, 1)(few), Conv2d(8, 3, 3, 1, 1)(few)
    ConvTranspose2d(128, 2, 3, 1, 1)(x)  # a transposed convolution at stride 1: torch's
    rgb(x.contiguous(memory_format=torch.channels_last))  # NHWC: torch's
    with torch.autocast("cpu", dtype=torch.bfloat16):
        up(x), rgb(x)
    up.double()(x.double()), rgb.double()(x.double())
    assert len(calls) == 3
