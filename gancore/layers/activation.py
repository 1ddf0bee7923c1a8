"""Activations. Each is also a value of a weight layer's ``activation=`` option.

``lrelu`` (slope 0.2, DCGAN's), ``relu``, ``prelu`` (learned slope), ``elu``, ``celu``, ``selu``,
``gelu``, ``silu`` (``swish``), ``softplus``, ``sigmoid``, ``tanh`` (the image range),
``hardtanh``, ``relu6``, and HyperGAN's ``softsign``, ``softshrink``, ``tanhshrink``.
Shape in = shape out.
"""

from __future__ import annotations

from torch import nn

from .base import Built, Param, layer

ACTIVATIONS: set[str] = set()


def _activation(name: str, *params: Param, aliases: tuple[str, ...] = ()):
    ACTIVATIONS.update((name, *aliases))
    return layer(name, *params, aliases=aliases)


def _simple(name: str, cls: type[nn.Module], doc: str, aliases: tuple[str, ...] = ()) -> None:
    def fn(a, ctx) -> Built:
        return Built(cls(), ctx.shape)

    fn.__doc__ = doc
    _activation(name, aliases=aliases)(fn)


_simple("relu", nn.ReLU, "max(x, 0).")
_simple("selu", nn.SELU, "Self-normalising ELU.")
_simple("gelu", nn.GELU, "Gaussian error linear unit.")
_simple("silu", nn.SiLU, "x * sigmoid(x).", aliases=("swish",))
_simple("sigmoid", nn.Sigmoid, "Squashes to (0, 1).")
_simple("tanh", nn.Tanh, "Squashes to (-1, 1), the image range.")
_simple("relu6", nn.ReLU6, "min(max(x, 0), 6).")
_simple("softsign", nn.Softsign, "x / (1 + |x|).")
_simple("tanhshrink", nn.Tanhshrink, "x - tanh(x).")


@_activation("lrelu", Param("alpha", float, 0.2, positional=True, help="negative slope"), aliases=("leaky_relu",))
def lrelu(a, ctx) -> Built:
    """Leaky ReLU; 0.2 is DCGAN's slope."""
    return Built(nn.LeakyReLU(a.alpha), ctx.shape)


@_activation("prelu", Param("per_channel", bool, False, help="one learned slope per channel"))
def prelu(a, ctx) -> Built:
    """Leaky ReLU with a learned slope (initially 0.25)."""
    return Built(nn.PReLU(ctx.shape[0] if a.per_channel else 1), ctx.shape)


@_activation("elu", Param("alpha", float, 1.0, positional=True))
def elu(a, ctx) -> Built:
    """x for x > 0, alpha * (exp(x) - 1) below."""
    return Built(nn.ELU(a.alpha), ctx.shape)


@_activation("celu", Param("alpha", float, 1.0, positional=True))
def celu(a, ctx) -> Built:
    """Continuously differentiable ELU."""
    if a.alpha == 0:
        raise ctx.fail("'alpha' must not be 0")
    return Built(nn.CELU(a.alpha), ctx.shape)


@_activation("softplus", Param("beta", float, 1.0, positional=True))
def softplus(a, ctx) -> Built:
    """A smooth ReLU: log(1 + exp(beta x)) / beta."""
    return Built(nn.Softplus(a.beta), ctx.shape)


@_activation("hardtanh", Param("min", float, -1.0), Param("max", float, 1.0))
def hardtanh(a, ctx) -> Built:
    """Clamps to [min, max]."""
    if a.min >= a.max:
        raise ctx.fail(f"'min' must be below 'max', got {a.min} and {a.max}")
    return Built(nn.Hardtanh(a.min, a.max), ctx.shape)


@_activation("softshrink", Param("lambd", float, 0.5, positional=True))
def softshrink(a, ctx) -> Built:
    """Shrinks towards 0 by lambd."""
    if a.lambd < 0:
        raise ctx.fail(f"'lambd' must be 0 or more, got {a.lambd}")
    return Built(nn.Softshrink(a.lambd), ctx.shape)
