"""Convolutions on small feature maps as one matrix product, on a CPU in fp32.

A U-Net's innermost layers work on maps of 1 x 1 to 4 x 4 pixels with 512-1024 channels. There
oneDNN's fp32 convolution on an AVX2 CPU reaches 3-30 GFLOP/s where the large layers reach 80-90:
the work is a matrix product with a few rows per image, which its direct convolution does not
block well. The same sums as ``unfold`` + matrix product (a convolution) or matrix product + ``fold``
(a transposed one) run 1.4-3.2x faster there, forward and backward (``bench/train_settings.py``
profile, 2026-12-07: pix2pix's U-Net-128 step, 8 crops, one AVX2 thread). Same weights, same
parameter names, results equal to float rounding (relative 1e-6).

``Conv2d`` and ``ConvTranspose2d`` are ``torch.nn``'s with that path taken when the matrix
product has at most ``SMALL`` rows per image (a convolution's output pixels, a transposed
convolution's input pixels; a transposed convolution from ``WIDE`` channels or more up to
``SMALL_WIDE``), on a CPU, in fp32 and outside autocast (bf16 and the GPU keep their
own kernels, which were not measured slower), and not while a graph is traced for export;
otherwise ``torch.nn``'s own forward, or, for a layer with few outputs per pixel (a generator's or
a PatchGAN's last), ``narrow.py``'s matrix path.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .narrow import conv_is_narrow, deconv_is_narrow, narrow_conv, narrow_deconv

SMALL = 16  # rows of the matrix product per image (a 4 x 4 map) at or under which it is faster
SMALL_WIDE = 64  # a transposed convolution's input pixels (8 x 8) at or under which it is faster from
WIDE = 512  # this many input channels (1024 -> 256 at 8 x 8 px, 8 images: 211 -> 190 ms forward and
# backward; 1024 -> 512: 541 -> 392; 128 -> 64: 10 -> 15, slower: few channels keep torch's kernel)


def _plain(x: torch.Tensor) -> bool:
    """A 4-D fp32 CPU tensor, outside autocast and outside a trace for export (whose graph keeps the
    plain operators: ONNX has no unfold)."""
    return (
        not torch.jit.is_tracing()
        and not torch.onnx.is_in_onnx_export()
        and x.device.type == "cpu"
        and x.dtype == torch.float32
        and x.dim() == 4
        and not torch.is_autocast_enabled("cpu")
    )


def _conv_out(x: torch.Tensor, kernel, stride, padding, dilation) -> tuple[int, int]:
    """A convolution's output height and width for input ``x`` ``(B, C, H, W)``."""
    return tuple(
        (n + 2 * p - d * (k - 1) - 1) // s + 1 for n, k, s, p, d in zip(x.shape[-2:], kernel, stride, padding, dilation)
    )


def conv_gemm(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, stride, padding, dilation
) -> torch.Tensor:
    """``F.conv2d`` (groups 1, zero padding) as ``unfold`` + one matrix product; ``x`` ``(B, C, H, W)``."""
    b = x.shape[0]
    cout, _, kh, kw = weight.shape
    ho, wo = _conv_out(x, (kh, kw), stride, padding, dilation)
    cols = F.unfold(x, (kh, kw), dilation=dilation, padding=padding, stride=stride)  # (B, C*kh*kw, ho*wo)
    out = cols.transpose(1, 2).reshape(b * ho * wo, -1) @ weight.reshape(cout, -1).t()
    out = out.view(b, ho, wo, cout).permute(0, 3, 1, 2)
    return out if bias is None else out + bias.view(1, -1, 1, 1)


def deconv_gemm(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, stride, padding, output_size: tuple[int, int]
) -> torch.Tensor:
    """``F.conv_transpose2d`` (groups 1, dilation 1) as one matrix product + ``fold``; ``x`` ``(B, C, H, W)``."""
    b, cin, h, w = x.shape
    _, cout, kh, kw = weight.shape
    cols = x.permute(0, 2, 3, 1).reshape(b * h * w, cin) @ weight.reshape(cin, cout * kh * kw)
    cols = cols.view(b, h * w, cout * kh * kw).transpose(1, 2)  # (B, Cout*kh*kw, H*W): one block per input pixel
    out = F.fold(cols, output_size, (kh, kw), padding=padding, stride=stride)
    return out if bias is None else out + bias.view(1, -1, 1, 1)


class Conv2d(nn.Conv2d):
    """``nn.Conv2d``; on a CPU in fp32, small outputs go through :func:`conv_gemm` and few output
    channels through :func:`.narrow.narrow_conv`."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.groups == 1 and self.padding_mode == "zeros" and not isinstance(self.padding, str) and _plain(x):
            ho, wo = _conv_out(x, self.kernel_size, self.stride, self.padding, self.dilation)
            if ho > 0 and wo > 0 and ho * wo <= SMALL:
                return conv_gemm(x, self.weight, self.bias, self.stride, self.padding, self.dilation)
            if ho > 0 and wo > 0 and x.is_contiguous() and conv_is_narrow(self.weight):
                return narrow_conv(x, self.weight, self.bias, self.stride, self.padding, self.dilation, (ho, wo))
        return super().forward(x)


class ConvTranspose2d(nn.ConvTranspose2d):
    """``nn.ConvTranspose2d``; on a CPU in fp32, small inputs go through :func:`deconv_gemm` and few
    outputs per input pixel through :func:`.narrow.narrow_deconv`."""

    def forward(self, x: torch.Tensor, output_size: list[int] | None = None) -> torch.Tensor:
        plain = output_size is None and self.groups == 1 and self.dilation == (1, 1) and _plain(x)
        size = tuple(
            (s - 1) * st - 2 * p + k + op
            for s, st, p, k, op in zip(x.shape[-2:], self.stride, self.padding, self.kernel_size, self.output_padding)
        )
        if plain and min(size) > 0:  # else torch's own forward (which says what is wrong)
            pixels = x.shape[-2] * x.shape[-1]
            if pixels <= SMALL or (pixels <= SMALL_WIDE and x.shape[1] >= WIDE):
                return deconv_gemm(x, self.weight, self.bias, self.stride, self.padding, size)
            if x.is_contiguous() and deconv_is_narrow(self.weight, self.stride):
                return narrow_deconv(x, self.weight, self.bias, self.stride, self.padding, size)
        return super().forward(x, output_size)
