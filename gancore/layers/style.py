"""Ops conditioned on a style vector: ``adaptive_instance_norm``, ``ez_norm``, ``modulated_conv2d``.

The style is the named output ``style=`` (default ``w``, as in HyperGAN: ``"linear 128 name=w"``),
flattened to ``(B, S)``. In a network with a latent, ``w`` is the latent until a layer is named
``w``. ``equal_linear=true`` gives the style projection StyleGAN's equalized learning rate.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import parametrize

from .base import Built, Param, layer, positive
from .weights import INIT_SN, LR_MUL, Scale

STYLE = Param("style", str, "w", help="the named style vector")
EQUAL = Param("equal_linear", bool, False, help="equalized learning rate on the style projection")


def style_ref(a, ctx) -> tuple[str, int]:
    """The named output to read as the style, and its flattened size."""
    name = a.style
    if name not in ctx.names:
        raise ctx.fail(
            f"needs a style vector '{a.style}': name one (e.g. \"linear 128 name={a.style}\") or give "
            f"the network a latent (known: {', '.join(sorted(ctx.names))})"
        )
    return name, math.prod(ctx.names[name])


def _projection(size: int, out: int, equal: bool, bias: float) -> nn.Linear:
    """The style's affine map; ``bias`` is its initial bias. ``equal``: weight N(0, 1) x 1/sqrt(size)."""
    m = nn.Linear(size, out)
    nn.init.constant_(m.bias, bias)
    if equal:  # stored N(0, 1), used x 1/sqrt(size): Adam's steps are alike for every layer
        nn.init.normal_(m.weight, 0.0, 1 / math.sqrt(size))
        parametrize.register_parametrization(m, "weight", Scale(1 / math.sqrt(size)))
    return m


class AdaptiveInstanceNorm(nn.Module):
    """``(1 + gamma(w)) * (x - mean) / std + beta(w)``, statistics per sample and channel over H, W.

    x: ``(B, C, H, W)``; w: ``(B, S)``. A 1x1 input normalises to 0 (its output is ``beta(w)``).
    """

    def __init__(self, ref: str, style: int, channels: int, eps: float, equal: bool):
        super().__init__()
        self.ref, self.eps = ref, eps
        self.affine = _projection(style, 2 * channels, equal, 0.0)

    def forward(self, x, named):
        gamma, beta = self.affine(named[self.ref].flatten(1))[:, :, None, None].chunk(2, dim=1)
        mean = x.mean(dim=(2, 3), keepdim=True)
        var = x.var(dim=(2, 3), keepdim=True, unbiased=False)
        return (1 + gamma) * (x - mean) * torch.rsqrt(var + self.eps) + beta


@layer("adaptive_instance_norm", STYLE, Param("eps", float, 1e-5), EQUAL, *INIT_SN, aliases=("adain",))
def adaptive_instance_norm(a, ctx) -> Built:
    """AdaIN (StyleGAN): instance norm whose scale and shift come from the style ``w``."""
    c, h, w = ctx.image()
    ref, size = style_ref(a, ctx)
    return Built(AdaptiveInstanceNorm(ref, size, c, a.eps, a.equal_linear), (c, h, w), refs=(ref,))


class EzNorm(nn.Module):
    """``beta(w) * conv1x1(x)``: one spatial map from x, scaled per channel by the style.

    x: ``(B, C, H, W)`` -> ``(B, C, H, W)`` (or ``(B, N)`` -> ``(B, N)`` with a linear map).
    """

    def __init__(self, ref: str, style: int, channels: int, image: bool, equal: bool):
        super().__init__()
        self.ref = ref
        self.beta = _projection(style, channels, equal, 0.0)
        self.summary = nn.Conv2d(channels, 1, 1) if image else nn.Linear(channels, 1)

    def forward(self, x, named):
        scale = self.beta(named[self.ref].flatten(1))
        if x.dim() == 4:
            scale = scale[:, :, None, None]
        return scale * self.summary(x)


@layer("ez_norm", STYLE, EQUAL, *INIT_SN)
def ez_norm(a, ctx) -> Built:
    """HyperGAN's "easy" style normalisation, a cheap AdaIN: a 1x1 convolution summarises x in one
    map, which the style ``w`` scales per channel. It is a residual term: use it as
    ``add self (ez_norm initializer=(xavier_normal))``."""
    if len(ctx.shape) not in (1, 3):
        raise ctx.fail(f"needs an image (C, H, W) or a vector (N,), got {ctx.shape}")
    ref, size = style_ref(a, ctx)
    return Built(EzNorm(ref, size, ctx.shape[0], len(ctx.shape) == 3, a.equal_linear), ctx.shape, refs=(ref,))


class ModulatedConv2d(nn.Module):
    """StyleGAN2's convolution: weights scaled per input channel by the style, then (``demodulate``)
    normalised per output channel; one grouped convolution for the batch.

    x: ``(B, I, H, W)``, w: ``(B, S)`` -> ``(B, O, H', W')``; ``sample`` is conv, upsample (x2
    bilinear before) or downsample (2x2 average after).
    """

    is_weight_unit = True  # initializer / sn / lr_mul apply to ``weight``

    def __init__(self, ref, style, cin, cout, k, demodulate, sample, bias, equal):
        super().__init__()
        self.ref, self.demodulate, self.sample, self.pad = ref, demodulate, sample, k // 2
        self.weight = nn.Parameter(torch.randn(cout, cin, k, k) / math.sqrt(cin * k * k))
        self.bias = nn.Parameter(torch.zeros(cout)) if bias else None
        self.affine = _projection(style, cin, equal, 1.0)  # styles start at 1

    def forward(self, x, named):
        b, cin, _, _ = x.shape
        s = self.affine(named[self.ref].flatten(1))  # (B, I)
        w = self.weight[None] * s[:, None, :, None, None]  # (B, O, I, k, k)
        if self.demodulate:
            w = w * torch.rsqrt(w.square().sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
        if self.sample == "upsample":
            x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
        y = F.conv2d(x.reshape(1, b * cin, *x.shape[2:]), w.reshape(-1, cin, *w.shape[3:]), padding=self.pad, groups=b)
        y = y.reshape(b, -1, *y.shape[2:])
        if self.bias is not None:
            y = y + self.bias[None, :, None, None]
        return F.avg_pool2d(y, 2) if self.sample == "downsample" else y


@layer(
    "modulated_conv2d",
    Param("filters", int, None, positional=True, help="output channels (default: input channels)"),
    Param("sample", str, "conv", positional=True, help="conv, upsample or downsample"),
    Param("filter", int, 3, help="kernel size (odd)"),
    Param("demodulate", bool, True),
    STYLE,
    Param("bias", bool, True),
    EQUAL,
    *INIT_SN,
    LR_MUL,
)
def modulated_conv2d(a, ctx) -> Built:
    """StyleGAN2's modulated convolution reading the style ``w``; ``modulated_conv2d 64 upsample``."""
    c, h, w = ctx.image()
    filters = a.filters or c
    positive(ctx, filters=filters, filter=a.filter)
    if a.filter % 2 == 0:
        raise ctx.fail(f"'filter' must be odd, got {a.filter}")
    if a.sample not in ("conv", "upsample", "downsample"):
        raise ctx.fail(f"the second argument must be conv, upsample or downsample, got '{a.sample}'")
    if a.sample == "downsample" and (h < 2 or w < 2):
        raise ctx.fail(f"cannot downsample an input of {h}x{w}")
    ref, size = style_ref(a, ctx)
    m = ModulatedConv2d(ref, size, c, filters, a.filter, a.demodulate, a.sample, a.bias, a.equal_linear)
    oh, ow = {"conv": (h, w), "upsample": (2 * h, 2 * w), "downsample": (h // 2, w // 2)}[a.sample]
    return Built(m, (filters, oh, ow), refs=(ref,))
