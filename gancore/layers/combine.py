"""``add``, ``cat``, ``mul``: combine the input with other tensors.

Each operand is ``self`` (the input), a name (a ``name=`` given earlier, or ``condition``,
``latent``, ``input``), ``noise`` (N(0, 1) shaped like the input) or a nested layer ``( ... )``
built on the input::

    "cat e1"                                          [x, e1] (a U-Net skip)
    "add self (ez_norm initializer=(xavier_normal))"  x + ez_norm(x)
    "cat self (layer condition upsample=true)"        [x, the condition resized to x]
    "add self noise"                                  x + n

One operand means "the input and it" (``cat e1`` = ``cat self e1``); two or more are combined as
written (HyperGAN). A vector ``(N,)`` joined to an image is tiled over H and W.
"""

from __future__ import annotations

import torch
from torch import nn

from ..dsl.spec import LayerSpec
from .base import REQUIRED, Built, Param, layer

OPERANDS = Param(
    "operands", (str, LayerSpec), REQUIRED, positional=True, variadic=True, help="self, a name, noise or (layer)"
)


class Operation(nn.Module):
    """Combine operands with ``how`` (``add``, ``cat`` on channels, ``mul``); see the module doc.

    ``kinds[i]`` is ``"self"``, ``"noise"``, ``"ref"`` (read ``refs[i]`` from the named outputs) or
    ``"layer"`` (run ``layers[i]`` on the input; ``reads[i]``: it reads named outputs too).
    """

    def __init__(self, how: str, kinds, refs, layers, reads):
        super().__init__()
        self.how, self.kinds, self.refs, self.reads = how, list(kinds), list(refs), list(reads)
        self.layers = nn.ModuleList(m if m is not None else nn.Identity() for m in layers)

    def forward(self, x: torch.Tensor, named: dict | None = None) -> torch.Tensor:
        out = []
        for kind, ref, module, reads in zip(self.kinds, self.refs, self.layers, self.reads):
            if kind == "self":
                y = x
            elif kind == "noise":
                y = torch.randn_like(x)
            elif kind == "ref":
                y = named[ref]
            else:
                y = module(x, named) if reads else module(x)
            if y.dim() == 2 and x.dim() == 4:  # (B, N) -> (B, N, H, W)
                y = y[:, :, None, None].expand(-1, -1, x.shape[2], x.shape[3])
            out.append(y)
        if self.how == "cat":
            return torch.cat(out, dim=1)
        result = out[0]
        for y in out[1:]:
            result = result + y if self.how == "add" else result * y
        return result

    def extra_repr(self) -> str:
        return f"{self.how} " + " ".join(r or k for k, r in zip(self.kinds, self.refs))


def _operands(a, ctx):
    """(kind, ref, module, reads, shape, label) per operand; a single operand gets ``self`` first."""
    given = list(a.operands)
    if len(given) == 2 and given[0] == "layer" and isinstance(given[1], str):  # HyperGAN 0.10: concat layer NAME
        given = given[1:]
    if len(given) == 1:
        given.insert(0, "self")
    out = []
    for op in given:
        if isinstance(op, LayerSpec):
            b = ctx.build_nested(op, ctx.shape)
            out.append(("layer", None, b.module, bool(b.refs), b.shape, f"({op})", b.refs))
        elif op == "self":
            out.append(("self", None, None, False, ctx.shape, "self", ()))
        elif op == "noise" and "noise" not in ctx.names:
            out.append(("noise", None, None, False, ctx.shape, "noise", ()))
        else:
            out.append(("ref", op, None, False, ctx.lookup(op), f"'{op}'", (op,)))
    return out


def _tiled(shape, base):
    """A vector operand joined to an image is tiled over H and W."""
    return (shape[0], *base[1:]) if len(shape) == 1 and len(base) == 3 else shape


def _combine(how: str, a, ctx) -> Built:
    ops = _operands(a, ctx)
    base = ops[0][4]
    first = "" if ops[0][5] == "self" else f"{ops[0][5]} "
    shapes = [_tiled(o[4], base) for o in ops]
    for o, shape in zip(ops[1:], shapes[1:]):
        if how == "cat" and (len(shape) != len(base) or shape[1:] != base[1:]):
            raise ctx.fail(f"cannot concatenate {first}{base} with {o[5]} {o[4]}: sizes after the channels differ")
        if how != "cat" and shape != base:
            verb = "add" if how == "add" else "multiply"
            raise ctx.fail(f"cannot {verb} {first}{base} and {o[5]} {o[4]}: shapes differ")
    out_shape = (sum(s[0] for s in shapes), *base[1:]) if how == "cat" else base
    refs = tuple(dict.fromkeys(r for o in ops for r in o[6]))
    module = Operation(how, [o[0] for o in ops], [o[1] for o in ops], [o[2] for o in ops], [o[3] for o in ops])
    return Built(module, out_shape, refs=refs)


@layer("cat", OPERANDS, aliases=("concat",))
def cat(a, ctx) -> Built:
    """Concatenate channels; sizes after the channels must match."""
    return _combine("cat", a, ctx)


@layer("add", OPERANDS)
def add(a, ctx) -> Built:
    """Element-wise sum; shapes must match."""
    return _combine("add", a, ctx)


@layer("mul", OPERANDS)
def mul(a, ctx) -> Built:
    """Element-wise product; shapes must match (``mul self (layer mask upsample=true)`` gates)."""
    return _combine("mul", a, ctx)
