"""Layers with few outputs per pixel as one batched matrix product, on a CPU in fp32.

A generator's last layer turns 32-128 channels into 2 or 3 at full size (pix2pix's and the shipped
colorizer's ``deconv 2``, the upscalers' and the inpainter's ``conv 3``), and a PatchGAN's last
turns 256-512 into 1. oneDNN's fp32 kernels run these at 4-11 GFLOP/s on an AVX2 CPU (the weight
gradient slowest), a few times below the same sums as matrix products. Per image, with
``n = Cout * kh * kw`` rows of taps:

- a transposed convolution: ``Z = W (n, Cin) @ X (Cin, H*W)``, then ``fold`` adds each input pixel's
  ``kh x kw`` block into the output;
- a convolution: ``Z = W (n, Cin) @ X (Cin, H*W)``, then each tap's plane, shifted by the tap's
  offset (and strided), is added into the output; border taps that fall in the padding add nothing,
  so no padded copy of the input is made.

``X`` is read in place from NCHW (no permute); the backward passes are written out (the output
gradient spread back onto ``Z``'s planes, then one product for the input's gradient and one, summed
over the batch, for the weight's) because autograd's own for a broadcast matrix product copies the
input first. They are made of differentiable operations, so double backward (R1 and other gradient
penalties) works. Results equal torch's to float rounding.

Measured forward + backward, 8 images, one AVX2 thread, torch's ms -> these (2026-12-07):
deconv 128 -> 2 at 64 px 76 -> 22, 64 -> 3 at 128 px 125 -> 96; conv 512 -> 1 (4 x 4, a PatchGAN's
last) at 15 px 19.6 -> 2.7, 64 -> 3 (3 x 3) at 128 px 153 -> 73, 32 -> 3 72 -> 32; inference of
32 -> 3 at 512 x 512: 50 -> 17 ms. Slower, so left to torch: more than ``NARROW`` taps (128 -> 8 at
4 x 4: 56 -> 68), few input channels (a deconv from 32: 44 -> 75; a conv from 3: 5.5 -> 9.4), a
transposed convolution at stride 1 (61 -> 68).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

NARROW = 64  # Cout * kh * kw at or under which the matrix path is faster (4 x 4: 4 channels; 3 x 3: 7)
DECONV_MIN_IN = 64  # input channels from which a transposed convolution's is faster
CONV_MIN_IN = 16  # and a convolution's (8 -> 3 at 128 px: equal)


def _taps(weight: torch.Tensor) -> torch.Tensor:
    """A convolution's weight ``(Cout, Cin, kh, kw)`` as ``(kh*kw*Cout, Cin)``, tap-major."""
    cout, cin, kh, kw = weight.shape
    return weight.permute(2, 3, 0, 1).reshape(kh * kw * cout, cin)


def _spans(kernel: int, stride: int, padding: int, dilation: int, n_in: int, n_out: int) -> list[tuple[int, int, int]]:
    """For each tap ``i`` along one axis: the outputs ``o`` in ``[lo, hi)`` whose input ``stride*o + dilation*i -
    padding`` lies inside ``[0, n_in)``, and the first of those inputs."""
    spans = []
    for i in range(kernel):
        off = dilation * i - padding
        lo, hi = max(0, -(off // stride)), min(n_out, (n_in - 1 - off) // stride + 1)  # -(a // s) = ceil(-a / s)
        spans.append((lo, max(lo, hi), stride * lo + off))
    return spans


def _windows(geometry):
    """``(i, j, out_window, z_window)`` for every tap with outputs inside the picture."""
    stride, rows, cols = geometry
    for i, (r0, r1, a) in enumerate(rows):
        for j, (c0, c1, c) in enumerate(cols):
            if r1 > r0 and c1 > c0:
                zr = slice(a, a + stride[0] * (r1 - r0 - 1) + 1, stride[0])
                zc = slice(c, c + stride[1] * (c1 - c0 - 1) + 1, stride[1])
                yield i, j, (slice(r0, r1), slice(c0, c1)), (zr, zc)


class _NarrowConv(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, stride, padding, dilation, size):
        b, cin, h, w = x.shape
        cout, _, kh, kw = weight.shape
        rows = _spans(kh, stride[0], padding[0], dilation[0], h, size[0])
        cols = _spans(kw, stride[1], padding[1], dilation[1], w, size[1])
        ctx.geometry = (stride, rows, cols)
        ctx.save_for_backward(x, weight)
        z = torch.bmm(_taps(weight).expand(b, -1, -1), x.reshape(b, cin, h * w)).view(b, kh, kw, cout, h, w)
        y = x.new_zeros(b, cout, *size)
        for i, j, (yr, yc), (zr, zc) in _windows(ctx.geometry):
            y[:, :, yr, yc] += z[:, i, j, :, zr, zc]
        return y

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        b, cin, h, w = x.shape
        cout, _, kh, kw = weight.shape
        gz = grad.new_zeros(b, kh, kw, cout, h, w)
        for i, j, (yr, yc), (zr, zc) in _windows(ctx.geometry):
            gz[:, i, j, :, zr, zc] = grad[:, :, yr, yc]
        gz = gz.view(b, kh * kw * cout, h * w)
        grad_x = grad_w = None
        if ctx.needs_input_grad[0]:
            grad_x = torch.bmm(_taps(weight).t().expand(b, -1, -1), gz).view_as(x)
        if ctx.needs_input_grad[1]:
            grad_w = torch.bmm(gz, x.reshape(b, cin, h * w).transpose(1, 2)).sum(0)
            grad_w = grad_w.view(kh, kw, cout, cin).permute(2, 3, 0, 1)
        return grad_x, grad_w, None, None, None, None


class _NarrowDeconv(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, stride, padding, size):
        b, cin, h, w = x.shape
        kh, kw = weight.shape[-2:]
        ctx.save_for_backward(x, weight)
        ctx.geometry = (stride, padding)
        cols = torch.bmm(weight.reshape(cin, -1).t().expand(b, -1, -1), x.reshape(b, cin, h * w))
        return F.fold(cols, size, (kh, kw), padding=padding, stride=stride)  # (B, Cout, *size)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        stride, padding = ctx.geometry
        b, cin, h, w = x.shape
        cols = F.unfold(grad, weight.shape[-2:], padding=padding, stride=stride)  # (B, Cout*kh*kw, H*W)
        grad_x = grad_w = None
        if ctx.needs_input_grad[0]:
            grad_x = torch.bmm(weight.reshape(cin, -1).expand(b, -1, -1), cols).view_as(x)
        if ctx.needs_input_grad[1]:
            grad_w = torch.bmm(x.reshape(b, cin, h * w), cols.transpose(1, 2)).sum(0).view_as(weight)
        return grad_x, grad_w, None, None, None


def narrow_conv(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, stride, padding, dilation, size: tuple[int, int]
) -> torch.Tensor:
    """``F.conv2d`` (groups 1, zero padding) of ``x`` ``(B, Cin, H, W)`` with ``weight`` ``(Cout, Cin, kh, kw)``;
    ``size`` is the output's ``(Ho, Wo)``."""
    out = _NarrowConv.apply(x, weight, tuple(stride), tuple(padding), tuple(dilation), tuple(size))
    return out if bias is None else out + bias.view(1, -1, 1, 1)


def narrow_deconv(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, stride, padding, size: tuple[int, int]
) -> torch.Tensor:
    """``F.conv_transpose2d`` (groups 1, dilation 1) of ``x`` ``(B, Cin, H, W)`` with ``weight``
    ``(Cin, Cout, kh, kw)`` to an output of ``size``; the output padding is what ``size`` implies."""
    out = _NarrowDeconv.apply(x, weight, tuple(stride), tuple(padding), tuple(size))
    return out if bias is None else out + bias.view(1, -1, 1, 1)


def conv_is_narrow(weight: torch.Tensor) -> bool:
    """Whether the matrix path is the faster for a convolution's weight ``(Cout, Cin, kh, kw)``."""
    cout, cin, kh, kw = weight.shape
    return cout * kh * kw <= NARROW and cin >= CONV_MIN_IN


def deconv_is_narrow(weight: torch.Tensor, stride) -> bool:
    """Whether it is for a transposed convolution's weight ``(Cin, Cout, kh, kw)`` at ``stride`` (upsampling)."""
    cin, cout, kh, kw = weight.shape
    return cout * kh * kw <= NARROW and cin >= DECONV_MIN_IN and min(stride) >= 2
