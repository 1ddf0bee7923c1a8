"""Convolutions: ``conv`` (``conv2d``), ``deconv`` (x2 up), ``resize_conv`` (resize then conv),
``subpixel`` (conv then pixel shuffle).

Each takes the weight options of ``weights.py`` (``bias``, ``initializer``, ``sn``, ``lr_mul``,
``activation``) and ``avg_pool``; ``filter`` and ``stride`` can come from a network's ``defaults``.
Input ``(C, H, W)``; a vector ``(N,)`` is a 1x1 image.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import nn

from .base import REQUIRED, Built, Param, conv_out, layer, positive
from .small_conv import Conv2d, ConvTranspose2d
from .weights import AVG_POOL, WEIGHT

FILTERS = Param("filters", int, REQUIRED, positional=True, help="output channels")
MODES = ("nearest", "bilinear", "bicubic")


def _filter(default: int) -> Param:
    return Param("filter", int, default, help="kernel size", network_default=True)


def _stride(default: int) -> Param:
    return Param("stride", int, default, network_default=True)


@layer(
    "conv",
    FILTERS,
    _filter(3),
    _stride(1),
    Param("padding", int, None, help="default: (filter - 1) // 2 * dilation"),
    Param("dilation", int, 1),
    Param("groups", int, 1),
    *WEIGHT,
    AVG_POOL,
    aliases=("conv2d",),
)
def conv(a, ctx) -> Built:
    """2-D convolution; ``conv 64 stride=2`` halves H and W."""
    c, h, w = ctx.image()
    positive(ctx, filters=a.filters, filter=a.filter, stride=a.stride, dilation=a.dilation, groups=a.groups)
    pad = (a.filter - 1) // 2 * a.dilation if a.padding is None else a.padding
    if pad < 0:
        raise ctx.fail(f"'padding' must be 0 or more, got {pad}")
    if c % a.groups or a.filters % a.groups:
        raise ctx.fail(f"groups={a.groups} must divide input channels {c} and filters {a.filters}")
    oh, ow = conv_out(h, a.filter, a.stride, pad, a.dilation), conv_out(w, a.filter, a.stride, pad, a.dilation)
    if oh < 1 or ow < 1:
        raise ctx.fail(f"input {h}x{w} is too small for filter={a.filter} stride={a.stride} padding={pad}")
    m = Conv2d(c, a.filters, a.filter, a.stride, pad, a.dilation, a.groups, bias=a.bias)
    return Built(m, (a.filters, oh, ow))


@layer(
    "deconv",
    FILTERS,
    _filter(4),
    _stride(2),
    Param("padding", int, None, help="default: chosen so the output is stride x the input"),
    *WEIGHT,
    AVG_POOL,
    aliases=("conv2d_transpose",),
)
def deconv(a, ctx) -> Built:
    """Transposed convolution; with the defaults (filter 4, stride 2) it doubles H and W."""
    c, h, w = ctx.image()
    positive(ctx, filters=a.filters, filter=a.filter, stride=a.stride)
    crop = False
    if a.padding is None:
        if a.filter < a.stride:
            raise ctx.fail(f"filter={a.filter} must be at least stride={a.stride}")
        pad, extra = (a.filter - a.stride + 1) // 2, (a.filter - a.stride) % 2
        if extra >= a.stride:  # stride 1, even filter: one pixel too many, cropped (TensorFlow's "same")
            pad, extra, crop = (a.filter - a.stride) // 2, 0, True
        oh, ow = h * a.stride, w * a.stride
    else:
        pad, extra = a.padding, 0
        oh, ow = ((s - 1) * a.stride - 2 * pad + a.filter for s in (h, w))
        if pad < 0 or oh < 1 or ow < 1:
            raise ctx.fail(f"padding={pad} with filter={a.filter} leaves no output for input {h}x{w}")
    m = ConvTranspose2d(c, a.filters, a.filter, a.stride, pad, output_padding=extra, bias=a.bias)
    return Built(nn.Sequential(m, Crop((oh, ow))) if crop else m, (a.filters, oh, ow))


class Crop(nn.Module):
    """Keep the top-left ``size`` (H, W)."""

    def __init__(self, size: tuple[int, int]):
        super().__init__()
        self.size = size

    def forward(self, x):
        return x[..., : self.size[0], : self.size[1]]


class ResizeConv(nn.Module):
    """Resize to ``size`` (H, W), or by ``scale`` whatever the input's size, with ``mode``; then a
    convolution."""

    def __init__(self, size: tuple[int, int] | None, mode: str, conv: nn.Conv2d, scale: int | None = None):
        super().__init__()
        self.size, self.mode, self.conv, self.scale = size, mode, conv, scale

    def forward(self, x):
        align = False if self.mode in ("bilinear", "bicubic") else None
        if self.scale is not None:
            up = F.interpolate(x, scale_factor=self.scale, mode=self.mode, align_corners=align)
        else:
            up = F.interpolate(x, size=self.size, mode=self.mode, align_corners=align)
        return self.conv(up)


@layer(
    "resize_conv",
    FILTERS,
    Param("w", int, None, help="output width (default: 2 x input)"),
    Param("h", int, None, help="output height (default: 2 x input)"),
    Param("mode", str, "nearest", help="nearest, bilinear or bicubic"),
    _filter(3),
    _stride(1),
    *WEIGHT,
    AVG_POOL,
    aliases=("resize_conv2d",),
)
def resize_conv(a, ctx) -> Built:
    """Upsample (x2 of any input size unless ``w=`` / ``h=`` fix the output's) then convolve: no
    checkerboard artefacts."""
    c, h, w = ctx.image()
    positive(ctx, filters=a.filters, filter=a.filter, stride=a.stride, w=a.w, h=a.h)
    if a.mode not in MODES:
        raise ctx.fail(f"mode must be {', '.join(MODES)}, got '{a.mode}'")
    rh, rw = a.h or h * 2, a.w or w * 2
    pad = (a.filter - 1) // 2
    m = Conv2d(c, a.filters, a.filter, a.stride, pad, bias=a.bias)
    doubled = a.h is None and a.w is None  # x2 of whatever comes in (a crop of any size); w= / h=: that size
    resize = ResizeConv(None, a.mode, m, scale=2) if doubled else ResizeConv((rh, rw), a.mode, m)
    return Built(resize, (a.filters, *(conv_out(s, a.filter, a.stride, pad) for s in (rh, rw))))


@layer(
    "subpixel",
    FILTERS,
    _filter(3),
    _stride(1),
    Param("factor", int, 2, help="upscale factor of the pixel shuffle"),
    *WEIGHT,
    AVG_POOL,
)
def subpixel(a, ctx) -> Built:
    """Convolve to ``filters * factor**2`` channels, then pixel-shuffle: x``factor`` up (ESPCN)."""
    c, h, w = ctx.image()
    positive(ctx, filters=a.filters, filter=a.filter, stride=a.stride, factor=a.factor)
    pad = (a.filter - 1) // 2
    oh, ow = (conv_out(s, a.filter, a.stride, pad) * a.factor for s in (h, w))
    m = nn.Sequential(Conv2d(c, a.filters * a.factor**2, a.filter, a.stride, pad, bias=a.bias))
    m.append(nn.PixelShuffle(a.factor))
    return Built(m, (a.filters, oh, ow))
