"""Weight initializers named in the DSL: ``conv 64 initializer=(normal 0 0.02)``.

Each takes the weight tensor and the initializer's args and options, e.g.
``(normal 0 0.02)`` (mean, std: DCGAN's N(0, 0.02)), ``(uniform -0.05 0.05)``,
``(xavier_normal gain=relu)`` (a number or a nonlinearity name, as in HyperGAN),
``(kaiming_normal mode=fan_out)``, ``(orthogonal)``, ``(constant 0.1)``. A bare word works too:
``initializer=he_normal``. Biases are zeroed whenever an initializer is given (DCGAN's practice).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn
from torch.nn.utils import parametrize

from ..dsl.spec import LayerSpec
from ..errors import ConfigError
from ..registry import Registry

INITIALIZERS: Registry[Callable[[torch.Tensor, tuple, dict], None]] = Registry("initializer")


def _num(args: tuple, i: int, options: dict, key: str, default: float) -> float:
    value = options.get(key, args[i] if i < len(args) else default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"'{key}' must be a number, got {value!r}")
    return float(value)


def _gain(args: tuple, options: dict) -> float:
    """``gain`` as a number, or a nonlinearity name (``relu``, ``tanh``, ``leaky_relu``, ...)."""
    value = options.get("gain", args[0] if args else 1.0)
    if isinstance(value, str):
        return nn.init.calculate_gain(value)
    return _num((value,), 0, {}, "gain", 1.0)


def _mode(options: dict) -> str:
    mode = options.get("mode", "fan_in")
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"'mode' must be fan_in or fan_out, got {mode!r}")
    return mode


@INITIALIZERS.register("normal", "random_normal")
def _normal(w, args, opts):
    nn.init.normal_(w, _num(args, 0, opts, "mean", 0.0), _num(args, 1, opts, "std", 0.02))


@INITIALIZERS.register("truncated_normal")
def _truncated_normal(w, args, opts):
    mean, std = _num(args, 0, opts, "mean", 0.0), _num(args, 1, opts, "std", 0.02)
    nn.init.trunc_normal_(w, mean, std, mean - 2 * std, mean + 2 * std)


@INITIALIZERS.register("uniform", "random_uniform")
def _uniform(w, args, opts):
    nn.init.uniform_(w, _num(args, 0, opts, "min", -0.05), _num(args, 1, opts, "max", 0.05))


@INITIALIZERS.register("xavier_uniform", "glorot_uniform")
def _xavier_uniform(w, args, opts):
    nn.init.xavier_uniform_(w, gain=_gain(args, opts))


@INITIALIZERS.register("xavier_normal", "glorot_normal")
def _xavier_normal(w, args, opts):
    nn.init.xavier_normal_(w, gain=_gain(args, opts))


def _kaiming(fn: Callable, w, args, opts) -> None:
    nonlinearity = opts.get("gain", opts.get("nonlinearity", "leaky_relu"))
    if not isinstance(nonlinearity, str):
        raise TypeError(f"'gain' must be a nonlinearity name, got {nonlinearity!r}")
    fn(w, a=_num(args, 0, opts, "a", 0.0), mode=_mode(opts), nonlinearity=nonlinearity)


@INITIALIZERS.register("kaiming_uniform", "he_uniform")
def _kaiming_uniform(w, args, opts):
    _kaiming(nn.init.kaiming_uniform_, w, args, opts)


@INITIALIZERS.register("kaiming_normal", "he_normal")
def _kaiming_normal(w, args, opts):
    _kaiming(nn.init.kaiming_normal_, w, args, opts)


@INITIALIZERS.register("stylegan")
def _stylegan(w, args, opts):
    """N(0, 2 / fan_in): the effective weights of StyleGAN's equalized learning rate at start."""
    fan_in = w[0].numel() if w.dim() > 1 else w.numel()
    nn.init.normal_(w, 0.0, math.sqrt(2.0 / fan_in) * _num(args, 0, opts, "gain", 1.0))


@INITIALIZERS.register("orthogonal")
def _orthogonal(w, args, opts):
    nn.init.orthogonal_(w, gain=_gain(args, opts))


@INITIALIZERS.register("zeros")
def _zeros(w, args, opts):
    nn.init.zeros_(w)


@INITIALIZERS.register("ones")
def _ones(w, args, opts):
    nn.init.ones_(w)


@INITIALIZERS.register("constant")
def _constant(w, args, opts):
    nn.init.constant_(w, _num(args, 0, opts, "value", 0.0))


@INITIALIZERS.register("eye")
def _eye(w, args, opts):
    """Identity for a linear layer's (out, in) matrix."""
    if w.dim() != 2:
        raise ValueError(f"eye needs a linear layer's 2-D weight, got {tuple(w.shape)}")
    nn.init.eye_(w)


@INITIALIZERS.register("dirac")
def _dirac(w, args, opts):
    """Identity for a convolution: output channel i copies input channel i."""
    if w.dim() != 4:
        raise ValueError(f"dirac needs a convolution's 4-D weight, got {tuple(w.shape)}")
    nn.init.dirac_(w)


def as_initializer(spec: LayerSpec | str) -> LayerSpec:
    """``"xavier_normal"`` or ``"(normal 0 0.02)"`` or a parsed spec -> a LayerSpec."""
    if isinstance(spec, LayerSpec):
        return spec
    from ..dsl import parse_layer

    text = spec.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    return parse_layer(text)


def apply_initializer(module: nn.Module, spec: LayerSpec | str | None, fail: Callable[[str], ConfigError]) -> None:
    """Initialise ``module.weight`` (and zero ``module.bias``) as ``spec`` says; None keeps PyTorch's."""
    if spec is None:
        return
    try:
        spec = as_initializer(spec)
    except ConfigError as err:
        raise fail(f"initializer {spec!r}: {err.message}") from None
    if spec.op not in INITIALIZERS:
        raise fail(f"unknown initializer '{spec.op}' (valid: {', '.join(INITIALIZERS.names())})")
    try:
        with torch.no_grad():
            if parametrize.is_parametrized(module, "weight"):  # set through the parametrization
                weight = module.weight.detach().clone()
                INITIALIZERS.get(spec.op)(weight, spec.args, dict(spec.options))
                module.weight = weight
            else:
                INITIALIZERS.get(spec.op)(module.weight, spec.args, dict(spec.options))
            if getattr(module, "bias", None) is not None and not parametrize.is_parametrized(module, "bias"):
                module.bias.zero_()
    except (TypeError, ValueError) as err:
        raise fail(f"initializer ({spec}): {err}") from None
