"""Convolutions: ``conv``, ``deconv`` (x2 up), ``resize_conv`` (resize then conv)."""

from __future__ import annotations

import torch.nn.functional as F
from torch import nn

from ..dsl.spec import LayerSpec
from .base import REQUIRED, Built, Param, conv_out, layer
from .init import apply_initializer

WEIGHT = (
    Param("bias", bool, True, help="learn an additive bias"),
    Param("initializer", (LayerSpec, str), None, help="e.g. (normal 0 0.02)"),
)


def _positive(ctx, **values: int) -> None:
    for key, v in values.items():
        if v < 1:
            raise ctx.fail(f"'{key}' must be at least 1, got {v}")


@layer(
    "conv",
    Param("filters", int, REQUIRED, positional=True, help="output channels"),
    Param("filter", int, 3, help="kernel size"),
    Param("stride", int, 1),
    Param("padding", int, None, help="default: (filter - 1) // 2 * dilation"),
    Param("dilation", int, 1),
    Param("groups", int, 1),
    *WEIGHT,
    aliases=("conv2d",),
)
def conv(a, ctx) -> Built:
    """2-D convolution; ``conv 64 stride=2`` halves H and W."""
    c, h, w = ctx.image()
    _positive(ctx, filters=a.filters, filter=a.filter, stride=a.stride, dilation=a.dilation, groups=a.groups)
    pad = (a.filter - 1) // 2 * a.dilation if a.padding is None else a.padding
    if c % a.groups or a.filters % a.groups:
        raise ctx.fail(f"groups={a.groups} must divide input channels {c} and filters {a.filters}")
    oh, ow = conv_out(h, a.filter, a.stride, pad, a.dilation), conv_out(w, a.filter, a.stride, pad, a.dilation)
    if oh < 1 or ow < 1:
        raise ctx.fail(f"input {h}x{w} is too small for filter={a.filter} stride={a.stride}")
    m = nn.Conv2d(c, a.filters, a.filter, a.stride, pad, a.dilation, a.groups, bias=a.bias)
    apply_initializer(m, a.initializer, ctx.fail)
    return Built(m, (a.filters, oh, ow))


@layer(
    "deconv",
    Param("filters", int, REQUIRED, positional=True, help="output channels"),
    Param("filter", int, 4, help="kernel size"),
    Param("stride", int, 2),
    *WEIGHT,
)
def deconv(a, ctx) -> Built:
    """Transposed convolution; with the defaults (filter 4, stride 2) it doubles H and W."""
    c, h, w = ctx.image()
    _positive(ctx, filters=a.filters, filter=a.filter, stride=a.stride)
    if a.filter < a.stride:
        raise ctx.fail(f"filter={a.filter} must be at least stride={a.stride}")
    pad, extra = (a.filter - a.stride + 1) // 2, (a.filter - a.stride) % 2
    m = nn.ConvTranspose2d(c, a.filters, a.filter, a.stride, pad, output_padding=extra, bias=a.bias)
    apply_initializer(m, a.initializer, ctx.fail)
    return Built(m, (a.filters, h * a.stride, w * a.stride))


class ResizeConv(nn.Module):
    """Resize to ``size`` (H, W) with ``mode``, then a stride-1 convolution."""

    def __init__(self, size: tuple[int, int], mode: str, conv: nn.Conv2d):
        super().__init__()
        self.size, self.mode, self.conv = size, mode, conv

    def forward(self, x):
        align = False if self.mode in ("bilinear", "bicubic") else None
        return self.conv(F.interpolate(x, size=self.size, mode=self.mode, align_corners=align))


@layer(
    "resize_conv",
    Param("filters", int, REQUIRED, positional=True, help="output channels"),
    Param("w", int, None, help="output width (default: 2 x input)"),
    Param("h", int, None, help="output height (default: 2 x input)"),
    Param("mode", str, "nearest", help="nearest, bilinear or bicubic"),
    Param("filter", int, 3, help="kernel size"),
    *WEIGHT,
)
def resize_conv(a, ctx) -> Built:
    """Upsample (x2 unless ``w=`` / ``h=``) then convolve: no checkerboard artefacts."""
    c, h, w = ctx.image()
    _positive(ctx, filters=a.filters, filter=a.filter)
    if a.mode not in ("nearest", "bilinear", "bicubic"):
        raise ctx.fail(f"mode must be nearest, bilinear or bicubic, got '{a.mode}'")
    oh, ow = a.h or h * 2, a.w or w * 2
    m = nn.Conv2d(c, a.filters, a.filter, 1, (a.filter - 1) // 2, bias=a.bias)
    apply_initializer(m, a.initializer, ctx.fail)
    return Built(ResizeConv((oh, ow), a.mode, m), (a.filters, oh, ow))
