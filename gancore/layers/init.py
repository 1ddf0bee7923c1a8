"""Weight initializers named in the DSL: ``conv 64 initializer=(normal 0 0.02)``.

Each takes the weight tensor and the parsed ``LayerSpec`` of the initializer; biases are zeroed
whenever an initializer is given (DCGAN's practice).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from ..dsl.spec import LayerSpec
from ..errors import ConfigError
from ..registry import Registry

INITIALIZERS: Registry[Callable[[torch.Tensor, tuple, dict], None]] = Registry("initializer")


def _num(args: tuple, i: int, options: dict, key: str, default: float) -> float:
    value = options.get(key, args[i] if i < len(args) else default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"'{key}' must be a number, got {value!r}")
    return float(value)


@INITIALIZERS.register("normal")
def _normal(w, args, opts):
    nn.init.normal_(w, _num(args, 0, opts, "mean", 0.0), _num(args, 1, opts, "std", 0.02))


@INITIALIZERS.register("uniform")
def _uniform(w, args, opts):
    nn.init.uniform_(w, _num(args, 0, opts, "min", -0.05), _num(args, 1, opts, "max", 0.05))


@INITIALIZERS.register("xavier_uniform", "glorot_uniform")
def _xavier_uniform(w, args, opts):
    nn.init.xavier_uniform_(w, gain=_num(args, 0, opts, "gain", 1.0))


@INITIALIZERS.register("xavier_normal", "glorot_normal")
def _xavier_normal(w, args, opts):
    nn.init.xavier_normal_(w, gain=_num(args, 0, opts, "gain", 1.0))


@INITIALIZERS.register("kaiming_uniform", "he_uniform")
def _kaiming_uniform(w, args, opts):
    nn.init.kaiming_uniform_(w, a=_num(args, 0, opts, "a", 0.0))


@INITIALIZERS.register("kaiming_normal", "he_normal")
def _kaiming_normal(w, args, opts):
    nn.init.kaiming_normal_(w, a=_num(args, 0, opts, "a", 0.0))


@INITIALIZERS.register("orthogonal")
def _orthogonal(w, args, opts):
    nn.init.orthogonal_(w, gain=_num(args, 0, opts, "gain", 1.0))


@INITIALIZERS.register("zeros")
def _zeros(w, args, opts):
    nn.init.zeros_(w)


@INITIALIZERS.register("ones")
def _ones(w, args, opts):
    nn.init.ones_(w)


@INITIALIZERS.register("constant")
def _constant(w, args, opts):
    nn.init.constant_(w, _num(args, 0, opts, "value", 0.0))


def apply_initializer(module: nn.Module, spec: LayerSpec | str | None, fail: Callable[[str], ConfigError]) -> None:
    """Initialise ``module.weight`` (and zero ``module.bias``) as ``spec`` says; None keeps PyTorch's."""
    if spec is None:
        return
    if isinstance(spec, str):
        spec = LayerSpec(spec)
    if spec.op not in INITIALIZERS:
        raise fail(f"unknown initializer '{spec.op}' (valid: {', '.join(INITIALIZERS.names())})")
    try:
        with torch.no_grad():
            INITIALIZERS.get(spec.op)(module.weight, spec.args, dict(spec.options))
            if getattr(module, "bias", None) is not None:
                module.bias.zero_()
    except (TypeError, ValueError) as err:
        raise fail(f"initializer ({spec}): {err}") from None
