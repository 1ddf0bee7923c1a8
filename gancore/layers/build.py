"""``build_layer``: check a parsed layer string, run its op, then apply the options every op shares.

Order: network ``defaults`` fill unwritten options -> ``check_args`` -> the op function ->
``initializer`` / ``lr_mul`` / ``sn`` on its weights -> ``avg_pool`` / ``activation`` after it ->
``trainable=false`` freezes it. A plain op (no extras) is returned as its own module, so state-dict
keys stay ``layers.<i>.weight``; extras wrap it in a ``Chain``.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ..dsl.spec import LayerSpec
from .base import LAYERS, BuildContext, Built, check_args
from .weights import post_ops, prepare_weights, shared_options


class Chain(nn.Module):
    """``pre -> core -> post``: a vector viewed as a 1x1 image, the op, then pooling/activation.

    ``core`` reads the named outputs when ``reads`` is true: called as ``core(x, named)``.
    """

    def __init__(self, core: nn.Module, reads: bool, pre: Sequence[int] | None, post: Sequence[nn.Module]):
        super().__init__()
        self.view = tuple(pre) if pre is not None else None
        self.core = core
        self.reads = reads
        self.post = nn.Sequential(*post)

    def forward(self, x: torch.Tensor, named: dict | None = None) -> torch.Tensor:
        if self.view is not None:
            x = x.reshape(x.shape[0], *self.view)  # (B, N) -> (B, N, 1, 1)
        x = self.core(x, named) if self.reads else self.core(x)
        return self.post(x)

    def extra_repr(self) -> str:
        return f"view={self.view}" if self.view else ""


def build_layer(spec: LayerSpec, ctx: BuildContext) -> Built:
    """Check ``spec`` and build it for input shape ``ctx.shape``."""
    if spec.op not in LAYERS:
        raise ctx.fail(f"unknown op '{spec.op}' (valid: {', '.join(LAYERS.names())})")
    op = LAYERS.get(spec.op)
    a = check_args(op, spec, ctx.fail, ctx.defaults)
    built = op.fn(a, ctx)
    shared = shared_options(op.params, a)
    prepare_weights(built.module, shared, ctx)
    post, shape = post_ops(built.shape, shared, ctx)
    module = built.module
    if ctx.viewed or post:
        module = Chain(module, bool(built.refs), (ctx.shape[0], 1, 1) if ctx.viewed else None, post)
    if not a.trainable:
        module.requires_grad_(False)
    assert all(isinstance(d, int) and d > 0 for d in shape), f"{spec.op} inferred bad shape {shape}"
    return Built(module, shape, built.refs)
