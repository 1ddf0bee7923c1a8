"""Shape ops without weights: ``reshape``, ``flatten``, ``identity``, ``split``, ``pad``."""

from __future__ import annotations

import math

import torch.nn.functional as F
from torch import nn

from ..dsl.spec import Size
from .base import REQUIRED, Built, Param, layer


class Reshape(nn.Module):
    """Reshape to ``(B, *shape)``."""

    def __init__(self, shape: tuple[int, ...]):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)

    def extra_repr(self) -> str:
        return f"shape={self.shape}"


def target_shape(size: int | Size, ctx) -> tuple[int, ...]:
    """A DSL size (``N`` or ``W*H*C``) as a shape without batch: ``10*10*256`` -> (256, 10, 10)."""
    if isinstance(size, Size):
        if any(d < 1 for d in size.dims):
            raise ctx.fail(f"sizes must be positive, got {size}")
        return size.as_chw()
    if size < 1:
        raise ctx.fail(f"size must be positive, got {size}")
    return (size,)


@layer("reshape", Param("size", (int, Size), REQUIRED, positional=True, help="W*H*C, or -1 to flatten"))
def reshape(a, ctx) -> Built:
    """Reshape keeping the batch; the element count must be unchanged."""
    total = math.prod(ctx.shape)
    if a.size == -1:
        return Built(Reshape((total,)), (total,))
    shape = target_shape(a.size, ctx)
    if math.prod(shape) != total:
        raise ctx.fail(f"cannot reshape {ctx.shape} ({total} values) to {a.size} ({math.prod(shape)} values)")
    return Built(Reshape(shape), shape)


@layer("flatten")
def flatten(a, ctx) -> Built:
    """Same as ``reshape -1``."""
    total = math.prod(ctx.shape)
    return Built(Reshape((total,)), (total,))


@layer("identity")
def identity(a, ctx) -> Built:
    """Passes its input on; HyperGAN uses ``identity name=z`` to name an input."""
    return Built(nn.Identity(), ctx.shape)


class Split(nn.Module):
    """Piece ``index`` of ``x`` cut into pieces of ``size`` along ``dim`` (a dim of the batched tensor)."""

    def __init__(self, size: int, index: int, dim: int):
        super().__init__()
        self.size, self.index, self.dim = size, index, dim

    def forward(self, x):
        return x.split(self.size, dim=self.dim)[self.index]

    def extra_repr(self) -> str:
        return f"size={self.size}, index={self.index}, dim={self.dim}"


@layer(
    "split",
    Param("size", int, REQUIRED, positional=True, help="length of each piece"),
    Param("index", int, 0, positional=True, help="which piece to keep"),
    Param("dim", int, 1, help="dimension of the batched tensor; 1 = channels"),
)
def split(a, ctx) -> Built:
    """``split 128 1``: cut the channels into pieces of 128 and keep the second (HyperGAN)."""
    ndim = len(ctx.shape) + 1
    dim = a.dim + ndim if a.dim < 0 else a.dim
    if not 1 <= dim < ndim:
        raise ctx.fail(f"dim must be 1..{ndim - 1} (or negative) for shape {ctx.shape}, got {a.dim}")
    length = ctx.shape[dim - 1]
    pieces = -(-length // a.size) if a.size > 0 else 0
    if a.size < 1 or not 0 <= a.index < pieces:
        raise ctx.fail(f"cannot take piece {a.index} of {length} split into pieces of {a.size} ({pieces} pieces)")
    shape = list(ctx.shape)
    shape[dim - 1] = min(a.size, length - a.index * a.size)
    return Built(Split(a.size, a.index, dim), tuple(shape))


class Pad(nn.Module):
    """Pad the last two dims by ``(left, right, top, bottom)`` with ``mode``."""

    def __init__(self, pads: tuple[int, int, int, int], mode: str):
        super().__init__()
        self.pads, self.mode = pads, mode

    def forward(self, x):
        return F.pad(x, self.pads, mode=self.mode)

    def extra_repr(self) -> str:
        return f"pads={self.pads}, mode={self.mode}"


PAD_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate", "circular": "circular"}


@layer(
    "pad",
    Param("left", int, REQUIRED, positional=True, help="pixels; alone it pads every side"),
    Param("right", int, None, positional=True),
    Param("top", int, None, positional=True),
    Param("bottom", int, None, positional=True),
    Param("mode", str, "zeros", help="zeros, reflect, replicate or circular"),
)
def pad(a, ctx) -> Built:
    """``pad 3 mode=reflect`` (ResNet generators) or HyperGAN's ``pad LEFT RIGHT TOP BOTTOM``."""
    c, h, w = ctx.image()
    given = [v for v in (a.right, a.top, a.bottom) if v is not None]
    if given and len(given) != 3:
        raise ctx.fail("give one size (all sides) or four: LEFT RIGHT TOP BOTTOM")
    pads = (a.left, a.right, a.top, a.bottom) if given else (a.left,) * 4
    if any(p < 0 for p in pads):
        raise ctx.fail(f"padding must be 0 or more, got {pads}")
    if a.mode not in PAD_MODES:
        raise ctx.fail(f"mode must be {', '.join(PAD_MODES)}, got '{a.mode}'")
    if a.mode == "reflect" and (max(pads[:2]) >= w or max(pads[2:]) >= h):
        raise ctx.fail(f"reflect padding {pads} must be smaller than the input {h}x{w}")
    return Built(Pad(pads, PAD_MODES[a.mode]), (c, h + pads[2] + pads[3], w + pads[0] + pads[1]))
