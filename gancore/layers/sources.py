"""Ops that bring in a tensor: ``const`` (learned), ``latent``, ``noise``, ``learned_noise``,
``layer NAME`` (continue from a named output).

``const``, ``latent``, ``noise`` and ``layer`` ignore their input's values (``noise`` keeps its shape).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..dsl.spec import Size
from .base import REQUIRED, Built, Param, layer
from .resample import MODES
from .shape import target_shape


class Const(nn.Module):
    """A learned tensor of ``shape``, repeated over the batch (StyleGAN's 4x4 start)."""

    def __init__(self, shape: tuple[int, ...]):
        super().__init__()
        self.value = nn.Parameter(torch.randn(1, *shape))

    def forward(self, x):
        return self.value.expand(x.shape[0], *self.value.shape[1:])


@layer("const", Param("size", (int, Size), REQUIRED, positional=True, help="W*H*C or N"))
def const(a, ctx) -> Built:
    """``const 4*4*512``: a learned ``(512, 4, 4)`` tensor; the input only gives the batch size."""
    shape = target_shape(a.size, ctx)
    return Built(Const(shape), shape)


class Named(nn.Module):
    """The named tensor ``ref``, resized to ``size`` (H, W) when given."""

    def __init__(self, ref: str, size: tuple[int, int] | None = None, mode: str = "bilinear"):
        super().__init__()
        self.ref, self.size, self.mode = ref, size, mode

    def forward(self, x, named):
        y = named[self.ref]
        if self.size is not None and tuple(y.shape[-2:]) != self.size:
            align = False if self.mode in ("bilinear", "bicubic") else None
            y = F.interpolate(y, size=self.size, mode=self.mode, align_corners=align)
        return y

    def extra_repr(self) -> str:
        return f"{self.ref}" + (f", size={self.size}" if self.size else "")


@layer("latent")
def latent(a, ctx) -> Built:
    """Continue from the latent vector z ``(dim,)``; the generator needs ``latent.dim > 0``."""
    if "latent" not in ctx.names:
        raise ctx.fail("this network has no latent (give the config a latent with dim > 0)")
    return Built(Named("latent"), ctx.names["latent"], refs=("latent",))


@layer(
    "layer",
    Param("ref", str, REQUIRED, positional=True, help="a name given with name=, or condition/latent/input"),
    Param("upsample", bool, False, help="resize it to the current height and width"),
    Param("mode", str, "bilinear", help=", ".join(MODES)),
)
def layer_(a, ctx) -> Built:
    """Continue from a named output (HyperGAN's ``layer z``); ``upsample=true`` resizes an image
    to the current H x W (down as well as up), e.g. ``cat (layer condition upsample=true)``."""
    shape = ctx.lookup(a.ref)
    if not a.upsample:
        return Built(Named(a.ref), shape, refs=(a.ref,))
    if a.mode not in MODES:
        raise ctx.fail(f"mode must be {', '.join(MODES)}, got '{a.mode}'")
    if len(shape) != 3 or len(ctx.shape) != 3:
        raise ctx.fail(f"upsample=true resizes an image to an image; '{a.ref}' is {shape}, the input {ctx.shape}")
    return Built(Named(a.ref, ctx.shape[1:], a.mode), (shape[0], *ctx.shape[1:]), refs=(a.ref,))


class Noise(nn.Module):
    """Standard normal noise shaped like the input."""

    def forward(self, x):
        return torch.randn_like(x)


@layer("noise")
def noise(a, ctx) -> Built:
    """Replace the input with N(0, 1) noise of its shape; ``cat noise`` appends noise channels."""
    return Built(Noise(), ctx.shape)


class LearnedNoise(nn.Module):
    """``x + scale * n``: one N(0, 1) map per sample ``(B, 1, H, W)``, a learned scale per channel."""

    def __init__(self, channels: int, init: float):
        super().__init__()
        self.scale = nn.Parameter(torch.full((channels,), float(init)))

    def forward(self, x):
        n = torch.randn(x.shape[0], 1, *x.shape[2:], device=x.device, dtype=x.dtype)
        return x + self.scale.view(1, -1, *([1] * (x.dim() - 2))) * n


@layer("learned_noise", Param("init", float, 0.0, help="initial scale"))
def learned_noise(a, ctx) -> Built:
    """StyleGAN's noise input: per-pixel noise added with a learned per-channel strength."""
    return Built(LearnedNoise(ctx.shape[0], a.init), ctx.shape)
