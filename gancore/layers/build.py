"""``build_layer``: check a parsed layer string, run its op, then apply the options every op shares.

Order: network ``defaults`` fill unwritten options -> ``check_args`` -> the op function ->
``initializer`` / ``lr_mul`` / ``sn`` on its weights -> ``avg_pool`` / ``activation`` after it ->
``trainable=false`` freezes it. A plain op (no extras) is returned as its own module, so state-dict
keys stay ``layers.<i>.weight``; extras wrap it in a ``Chain``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from ..dsl.spec import LayerSpec
from ..errors import ConfigError
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


MAX_LAYER_PARAMETERS = 2**28  # one layer: at most ~268 M parameters (1 GB in fp32)
MAX_ACTIVATION = 2**27  # one layer's output: at most ~134 M values per sample


def _run_op(op, a, ctx: BuildContext) -> Built:
    """The op function; an arithmetic or torch error from absurd arguments becomes a ConfigError."""
    try:
        return op.fn(a, ctx)
    except (OverflowError, ValueError, TypeError, RuntimeError, MemoryError, ZeroDivisionError) as err:
        if isinstance(err, ConfigError):
            raise
        first = (str(err).strip().splitlines() or [""])[0][:200]  # torch's messages carry C++ frames
        raise ctx.fail(f"cannot be built for input {ctx.shape}: {type(err).__name__}: {first}") from None


def _check_size(probe: Built, ctx: BuildContext) -> None:
    """Refuse a layer whose parameters or output would not fit in memory (checked on the meta device)."""
    params = sum(p.numel() for p in probe.module.parameters()) + sum(b.numel() for b in probe.module.buffers())
    if params > MAX_LAYER_PARAMETERS:
        raise ctx.fail(f"would hold {params:,} parameters (the limit is {MAX_LAYER_PARAMETERS:,} per layer)")
    values = math.prod(probe.shape)
    if values > MAX_ACTIVATION:
        raise ctx.fail(f"its output {probe.shape} would hold {values:,} values per sample (limit {MAX_ACTIVATION:,})")


def build_layer(spec: LayerSpec, ctx: BuildContext) -> Built:
    """Check ``spec`` and build it for input shape ``ctx.shape``."""
    if spec.op not in LAYERS:
        raise ctx.fail(f"unknown op '{spec.op}' (valid: {', '.join(LAYERS.names())})")
    op = LAYERS.get(spec.op)
    a = check_args(op, spec, ctx.fail, ctx.defaults)
    with torch.device("meta"):  # shapes and parameter counts first, without allocating anything
        probe = _run_op(op, a, ctx)
    _check_size(probe, ctx)
    built = _run_op(op, a, ctx)
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
