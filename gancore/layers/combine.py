"""Ops that read a named output: ``cat NAME`` (U-Net skips), ``add NAME``.

``NAME`` is a ``name=`` given earlier, or one the network always knows (``condition``,
``latent``). A vector ``(N,)`` joined to an image is tiled over H and W.
"""

from __future__ import annotations

import torch
from torch import nn

from .base import REQUIRED, Built, Param, layer


class Combine(nn.Module):
    """``x`` joined with the named tensor ``ref``: channel concat (``cat``) or sum (``add``)."""

    def __init__(self, ref: str, how: str):
        super().__init__()
        self.ref, self.how = ref, how

    def forward(self, x, named):
        y = named[self.ref]
        if y.dim() == 2 and x.dim() == 4:  # (B, N) -> (B, N, H, W)
            y = y[:, :, None, None].expand(-1, -1, x.shape[2], x.shape[3])
        return torch.cat([x, y], dim=1) if self.how == "cat" else x + y

    def extra_repr(self) -> str:
        return f"{self.how} {self.ref}"


def _ref_shape(a, ctx) -> tuple[int, ...]:
    if a.ref == "self":
        return ctx.shape
    shape = ctx.lookup(a.ref)
    if len(shape) == 1 and len(ctx.shape) == 3:
        return (shape[0], *ctx.shape[1:])
    return shape


def _built(a, ctx, how: str, shape) -> Built:
    if a.ref == "self":
        return Built(SelfCombine(how), shape)
    return Built(Combine(a.ref, how), shape, refs=(a.ref,))


class SelfCombine(nn.Module):
    def __init__(self, how: str):
        super().__init__()
        self.how = how

    def forward(self, x):
        return torch.cat([x, x], dim=1) if self.how == "cat" else x + x


@layer("cat", Param("ref", str, REQUIRED, positional=True, help="a name, condition, latent or self"))
def cat(a, ctx) -> Built:
    """Concatenate channels with a named output; spatial sizes must match."""
    other = _ref_shape(a, ctx)
    if len(other) != len(ctx.shape) or other[1:] != ctx.shape[1:]:
        raise ctx.fail(f"cannot concatenate {ctx.shape} with '{a.ref}' {other}: sizes after the channels differ")
    return _built(a, ctx, "cat", (ctx.shape[0] + other[0], *ctx.shape[1:]))


@layer("add", Param("ref", str, REQUIRED, positional=True, help="a name, condition, latent or self"))
def add(a, ctx) -> Built:
    """Element-wise sum with a named output of the same shape."""
    other = _ref_shape(a, ctx)
    if other != ctx.shape:
        raise ctx.fail(f"cannot add {ctx.shape} and '{a.ref}' {other}: shapes differ")
    return _built(a, ctx, "add", ctx.shape)
