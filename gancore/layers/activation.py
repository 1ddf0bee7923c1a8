"""Activations: ``relu``, ``lrelu`` (slope 0.2), ``tanh``, ``sigmoid``."""

from __future__ import annotations

from torch import nn

from .base import Built, Param, layer


@layer("relu")
def relu(a, ctx) -> Built:
    return Built(nn.ReLU(), ctx.shape)


@layer("lrelu", Param("alpha", float, 0.2, positional=True, help="negative slope"))
def lrelu(a, ctx) -> Built:
    """Leaky ReLU; 0.2 is DCGAN's slope."""
    return Built(nn.LeakyReLU(a.alpha), ctx.shape)


@layer("tanh")
def tanh(a, ctx) -> Built:
    """Squashes to (-1, 1), the image range."""
    return Built(nn.Tanh(), ctx.shape)


@layer("sigmoid")
def sigmoid(a, ctx) -> Built:
    return Built(nn.Sigmoid(), ctx.shape)
