"""``linear``: a fully connected layer over the flattened input; ``linear 4*4*256`` reshapes its output."""

from __future__ import annotations

import math

from torch import nn

from ..dsl.spec import Size
from .base import REQUIRED, Built, Param, layer
from .shape import Reshape, target_shape
from .weights import WEIGHT


@layer(
    "linear",
    Param("outputs", (int, Size), REQUIRED, positional=True, help="N, or W*H*C to reshape the output"),
    *WEIGHT,
    aliases=("dense",),
)
def linear(a, ctx) -> Built:
    """Fully connected layer; input ``(*)`` flattened, output ``(N,)`` or ``(C, H, W)`` for ``W*H*C``."""
    shape = target_shape(a.outputs, ctx)
    m = nn.Linear(math.prod(ctx.shape), math.prod(shape), bias=a.bias)
    return Built(nn.Sequential(nn.Flatten(), m, Reshape(shape)), shape)
