"""Normalisation and regularisation: ``batch_norm``, ``instance_norm``, ``layer_norm``,
``group_norm``, ``pixel_norm``, ``dropout``. Shape in = shape out.

(The style-conditioned norms, ``adaptive_instance_norm`` and ``ez_norm``, are in ``style.py``;
spectral normalisation is the ``sn=true`` option of every weight layer.)
"""

from __future__ import annotations

import torch
from torch import nn

from .base import Built, Param, layer, positive


@layer("batch_norm", Param("momentum", float, 0.1), Param("eps", float, 1e-5), aliases=("batch_norm2d",))
def batch_norm(a, ctx) -> Built:
    """Batch normalisation over channels (2-D for images, 1-D for vectors)."""
    cls = nn.BatchNorm2d if len(ctx.shape) == 3 else nn.BatchNorm1d
    return Built(cls(ctx.shape[0], eps=a.eps, momentum=a.momentum), ctx.shape)


@layer("instance_norm", Param("affine", bool, False, help="learn scale and shift"), Param("eps", float, 1e-5))
def instance_norm(a, ctx) -> Built:
    """Instance normalisation: each image's channels to zero mean, unit variance.

    ``affine`` defaults to false (pix2pix/CycleGAN's choice; HyperGAN's default is true).
    """
    c, h, w = ctx.image()
    if h * w == 1:
        raise ctx.fail(f"instance norm needs more than one pixel, got {ctx.shape} (use layer_norm or pixel_norm)")
    return Built(nn.InstanceNorm2d(c, eps=a.eps, affine=a.affine), ctx.shape)


@layer("layer_norm", Param("affine", bool, True, help="learn scale and shift"), Param("eps", float, 1e-5))
def layer_norm(a, ctx) -> Built:
    """Normalise each sample over all its values ``(C, H, W)`` (or ``(N,)``)."""
    return Built(nn.LayerNorm(list(ctx.shape), eps=a.eps, elementwise_affine=a.affine), ctx.shape)


@layer(
    "group_norm",
    Param("groups", int, None, positional=True, help="default: the largest of 32, 16, ..., 1 dividing C"),
    Param("affine", bool, True),
    Param("eps", float, 1e-5),
)
def group_norm(a, ctx) -> Built:
    """Normalise groups of channels per sample (Wu & He); independent of the batch size."""
    c = ctx.shape[0]
    groups = a.groups or next(g for g in (32, 16, 8, 4, 2, 1) if c % g == 0)
    positive(ctx, groups=groups)
    if c % groups:
        raise ctx.fail(f"groups={groups} must divide the channels {c}")
    return Built(nn.GroupNorm(groups, c, eps=a.eps, affine=a.affine), ctx.shape)


class PixelNorm(nn.Module):
    """Each pixel's channel vector scaled to unit root-mean-square (ProGAN); ``(B, C, ...)``."""

    def __init__(self, eps: float):
        super().__init__()
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.square().mean(dim=1, keepdim=True) + self.eps)


@layer("pixel_norm", Param("eps", float, 1e-8))
def pixel_norm(a, ctx) -> Built:
    """ProGAN's pixelwise feature normalisation (also for a latent vector)."""
    return Built(PixelNorm(a.eps), ctx.shape)


@layer("dropout", Param("p", float, 0.5, positional=True, help="drop probability in [0, 1)"))
def dropout(a, ctx) -> Built:
    """Dropout; pix2pix keeps it on in the generator as its source of noise."""
    if not 0 <= a.p < 1:
        raise ctx.fail(f"p must be in [0, 1), got {a.p}")
    return Built(nn.Dropout(a.p), ctx.shape)
