"""Resampling without weights: ``upsample``, ``pixel_shuffle``, ``avg_pool``, ``max_pool``,
``adaptive_avg_pool``, ``blur``, ``highpass``. Input ``(C, H, W)``; a vector ``(N,)`` is a 1x1 image."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .base import Built, Param, conv_out, layer, positive

MODES = ("nearest", "bilinear", "bicubic", "area")


class Resize(nn.Module):
    """Resize to ``size`` (H, W) with ``mode``."""

    def __init__(self, size: tuple[int, int], mode: str):
        super().__init__()
        self.size, self.mode = size, mode

    def forward(self, x):
        align = False if self.mode in ("bilinear", "bicubic") else None
        return F.interpolate(x, size=self.size, mode=self.mode, align_corners=align)

    def extra_repr(self) -> str:
        return f"size={self.size}, mode={self.mode}"


@layer(
    "upsample",
    Param("w", int, None, help="output width (default: 2 x input)"),
    Param("h", int, None, help="output height (default: 2 x input)"),
    Param("mode", str, "bilinear", help=", ".join(MODES)),
)
def upsample(a, ctx) -> Built:
    """Resize to ``w`` x ``h`` (default twice the input), bilinear as in HyperGAN."""
    c, h, w = ctx.image()
    positive(ctx, w=a.w, h=a.h)
    if a.mode not in MODES:
        raise ctx.fail(f"mode must be {', '.join(MODES)}, got '{a.mode}'")
    size = (a.h or h * 2, a.w or w * 2)
    return Built(Resize(size, a.mode), (c, *size))


@layer("pixel_shuffle", Param("factor", int, 2, positional=True, help="upscale factor r"))
def pixel_shuffle(a, ctx) -> Built:
    """``(C, H, W) -> (C / r^2, r H, r W)``; C must divide by r^2."""
    c, h, w = ctx.image()
    positive(ctx, factor=a.factor)
    if c % (a.factor**2):
        raise ctx.fail(f"input channels {c} must divide by factor^2 = {a.factor**2}")
    return Built(nn.PixelShuffle(a.factor), (c // a.factor**2, h * a.factor, w * a.factor))


def _pool(cls: type[nn.Module], a, ctx) -> Built:
    c, h, w = ctx.image()
    stride = a.stride or a.filter
    positive(ctx, filter=a.filter, stride=stride)
    if not 0 <= a.padding <= a.filter // 2:
        raise ctx.fail(f"'padding' must be between 0 and filter // 2 = {a.filter // 2}, got {a.padding}")
    oh, ow = conv_out(h, a.filter, stride, a.padding), conv_out(w, a.filter, stride, a.padding)
    if oh < 1 or ow < 1:
        raise ctx.fail(f"input {h}x{w} is too small for filter={a.filter}")
    return Built(cls(a.filter, stride, a.padding), (c, oh, ow))


POOL = (
    Param("filter", int, 2, positional=True, help="window size"),
    Param("stride", int, None, help="default: the window size"),
    Param("padding", int, 0),
)


@layer("avg_pool", *POOL, aliases=("avg_pool2d",))
def avg_pool(a, ctx) -> Built:
    """Average pooling; ``avg_pool`` halves H and W."""
    return _pool(nn.AvgPool2d, a, ctx)


@layer("max_pool", *POOL, aliases=("max_pool2d",))
def max_pool(a, ctx) -> Built:
    """Max pooling; ``max_pool`` halves H and W."""
    return _pool(nn.MaxPool2d, a, ctx)


@layer(
    "adaptive_avg_pool",
    Param("size", int, None, positional=True, help="output H and W"),
    Param("w", int, None),
    Param("h", int, None),
)
def adaptive_avg_pool(a, ctx) -> Built:
    """Average-pool to a fixed size: ``adaptive_avg_pool 1`` is global pooling; bare, it halves
    H and W (HyperGAN)."""
    c, h, w = ctx.image()
    positive(ctx, size=a.size, w=a.w, h=a.h)
    oh, ow = a.h or a.size or max(h // 2, 1), a.w or a.size or max(w // 2, 1)
    return Built(nn.AdaptiveAvgPool2d((oh, ow)), (c, oh, ow))


class Blur(nn.Module):
    """A fixed binomial low-pass filter, per channel, same size out (StyleGAN's [1, 3, 3, 1])."""

    def __init__(self, channels: int, taps: int):
        super().__init__()
        row = torch.tensor([_binomial(taps - 1, k) for k in range(taps)], dtype=torch.float32)
        kernel = row[:, None] * row[None, :]
        self.register_buffer(
            "kernel", (kernel / kernel.sum()).expand(channels, 1, taps, taps).clone(), persistent=False
        )
        self.pads = ((taps - 1) // 2, taps // 2, (taps - 1) // 2, taps // 2)

    def forward(self, x):
        return F.conv2d(F.pad(x, self.pads, mode="replicate"), self.kernel.to(x.dtype), groups=x.shape[1])


def _binomial(n: int, k: int) -> float:
    out = 1.0
    for i in range(k):
        out = out * (n - i) / (i + 1)
    return out


@layer("blur", Param("filter", int, 4, help="taps of the binomial kernel: 3 = [1 2 1], 4 = [1 3 3 1]"))
def blur(a, ctx) -> Built:
    """Low-pass filter keeping the size; StyleGAN blurs around its up/down-sampling."""
    c, h, w = ctx.image()
    if not 2 <= a.filter <= 7:
        raise ctx.fail(f"'filter' must be 2..7, got {a.filter}")
    return Built(Blur(c, a.filter), (c, h, w))


class HighPass(nn.Module):
    """``gain * (x - blur(x))``: the detail a binomial low-pass filter removes, same size out."""

    def __init__(self, channels: int, taps: int, gain: float):
        super().__init__()
        self.blur, self.gain = Blur(channels, taps), gain

    def forward(self, x):
        return (x - self.blur(x)) * self.gain

    def extra_repr(self) -> str:
        return f"gain={self.gain}"


@layer(
    "highpass",
    Param("filter", int, 5, help="taps of the binomial kernel removed (3, 5 or 7: odd, so nothing shifts)"),
    Param("gain", float, 1.0, help="multiplies the result (the detail of a photo is a few percent of its range)"),
)
def highpass(a, ctx) -> Built:
    """The input minus its ``blur``, times ``gain``: fine detail alone, (C, H, W) -> (C, H, W), zero
    on flat regions. For a discriminator that must judge texture, not colour and shape (an x2
    upscaler's, whose output differs from the truth only in the finest detail)."""
    c, h, w = ctx.image()
    if a.filter not in (3, 5, 7):
        raise ctx.fail(f"'filter' must be 3, 5 or 7, got {a.filter}")
    if not a.gain > 0:
        raise ctx.fail(f"'gain' must be above 0, got {a.gain}")
    return Built(HighPass(c, a.filter, a.gain), (c, h, w))
