"""Normalisation and regularisation: ``batch_norm``, ``instance_norm``, ``dropout``."""

from __future__ import annotations

from torch import nn

from .base import Built, Param, layer


@layer("batch_norm", Param("momentum", float, 0.1), Param("eps", float, 1e-5))
def batch_norm(a, ctx) -> Built:
    """Batch normalisation over channels (2-D for images, 1-D for vectors)."""
    cls = nn.BatchNorm2d if len(ctx.shape) == 3 else nn.BatchNorm1d
    return Built(cls(ctx.shape[0], eps=a.eps, momentum=a.momentum), ctx.shape)


@layer("instance_norm", Param("affine", bool, False, help="learn scale and shift"), Param("eps", float, 1e-5))
def instance_norm(a, ctx) -> Built:
    """Instance normalisation: each image's channels to zero mean, unit variance."""
    c, _, _ = ctx.image()
    return Built(nn.InstanceNorm2d(c, eps=a.eps, affine=a.affine), ctx.shape)


@layer("dropout", Param("p", float, 0.5, positional=True, help="drop probability in [0, 1)"))
def dropout(a, ctx) -> Built:
    """Dropout; pix2pix keeps it on in the generator as its source of noise."""
    if not 0 <= a.p < 1:
        raise ctx.fail(f"p must be in [0, 1), got {a.p}")
    return Built(nn.Dropout(a.p), ctx.shape)
