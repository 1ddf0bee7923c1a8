"""Dense and shape ops: ``linear``, ``reshape``, ``flatten``."""

from __future__ import annotations

import math

from torch import nn

from ..dsl.spec import Size
from .base import REQUIRED, Built, Param, layer
from .conv import WEIGHT
from .init import apply_initializer


class Reshape(nn.Module):
    """Reshape to ``(B, *shape)``."""

    def __init__(self, shape: tuple[int, ...]):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)

    def extra_repr(self) -> str:
        return f"shape={self.shape}"


def _target(size: int | Size, ctx) -> tuple[int, ...]:
    if isinstance(size, Size):
        return size.as_chw()
    if size < 1:
        raise ctx.fail(f"size must be positive, got {size}")
    return (size,)


@layer(
    "linear",
    Param("outputs", (int, Size), REQUIRED, positional=True, help="N, or W*H*C to reshape the output"),
    *WEIGHT,
    aliases=("dense",),
)
def linear(a, ctx) -> Built:
    """Fully connected layer over the flattened input; ``linear 4*4*256`` reshapes its output."""
    shape = _target(a.outputs, ctx)
    m = nn.Linear(math.prod(ctx.shape), math.prod(shape), bias=a.bias)
    apply_initializer(m, a.initializer, ctx.fail)
    return Built(nn.Sequential(nn.Flatten(), m, Reshape(shape)), shape)


@layer("reshape", Param("size", (int, Size), REQUIRED, positional=True, help="W*H*C, or -1 to flatten"))
def reshape(a, ctx) -> Built:
    """Reshape keeping the batch; the element count must be unchanged."""
    total = math.prod(ctx.shape)
    if a.size == -1:
        return Built(Reshape((total,)), (total,))
    shape = _target(a.size, ctx)
    if math.prod(shape) != total:
        raise ctx.fail(f"cannot reshape {ctx.shape} ({total} values) to {a.size} ({math.prod(shape)} values)")
    return Built(Reshape(shape), shape)


@layer("flatten")
def flatten(a, ctx) -> Built:
    """Same as ``reshape -1``."""
    total = math.prod(ctx.shape)
    return Built(Reshape((total,)), (total,))
