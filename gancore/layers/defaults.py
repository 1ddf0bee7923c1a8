"""A network's ``defaults`` block (HyperGAN 0.10): options every weight layer gets unless its
string sets them.

    "discriminator": {
      "defaults": {"activation": "lrelu", "initializer": "he_normal", "filter": [3, 3],
                   "stride": [1, 1], "avg_pool": [2, 2]},
      "layers": ["conv 32", "conv 64", "linear 1 activation=null"]
    }

``activation`` and ``initializer`` reach every layer that takes them (``linear``, ``conv``,
``deconv``, ``resize_conv``, ``subpixel``; ``initializer`` also attention and style layers);
``filter``, ``stride`` and ``avg_pool`` reach the convolutions. ``[3, 3]`` and ``3`` mean the same;
kernels must be square. ``random_stddev`` is the std of ``initializer: "random_normal"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..dsl.spec import LayerSpec
from ..errors import ConfigError, join_path


@dataclass(frozen=True)
class LayerDefaults:
    activation: str | None = None  # e.g. "lrelu"; "null" for none
    initializer: str | None = None  # e.g. "he_normal" or "(normal 0 0.02)"
    filter: int | tuple[int, int] | None = None  # kernel size of the convolutions
    stride: int | tuple[int, int] | None = None
    avg_pool: int | tuple[int, int] | None = None  # average-pool after each convolution
    random_stddev: float | None = None  # std of initializer "random_normal"


def _square(value: int | tuple[int, int] | None, path: str) -> int | None:
    if value is None or isinstance(value, int):
        if value is not None and value < 1:
            raise ConfigError(path, f"must be at least 1, got {value}")
        return value
    if value[0] != value[1]:
        raise ConfigError(path, f"only square sizes are supported, got {list(value)}")
    return _square(value[0], path)


def resolve_defaults(defaults: LayerDefaults | None, path: str) -> dict[str, Any]:
    """The block as option values for ``check_args``; a bad entry is a ConfigError at ``path.key``."""
    from .activation import ACTIVATIONS
    from .init import INITIALIZERS, as_initializer

    if defaults is None:
        return {}
    out: dict[str, Any] = {
        key: _square(getattr(defaults, key), join_path(path, key)) for key in ("filter", "stride", "avg_pool")
    }
    act = defaults.activation
    if act is not None and act.lower() not in ("null", "none", "linear"):
        if act not in ACTIVATIONS:
            raise ConfigError(
                join_path(path, "activation"), f"unknown activation '{act}' (valid: {', '.join(sorted(ACTIVATIONS))})"
            )
        out["activation"] = act
    if defaults.initializer is not None:
        where = join_path(path, "initializer")
        try:
            init = as_initializer(defaults.initializer)
        except ConfigError as err:
            raise ConfigError(where, err.message) from None
        if init.op not in INITIALIZERS:
            raise ConfigError(where, f"unknown initializer '{init.op}' (valid: {', '.join(INITIALIZERS.names())})")
        if init.op == "random_normal" and not init.args and defaults.random_stddev is not None:
            init = LayerSpec("normal", (0.0, defaults.random_stddev))
        out["initializer"] = init
    return out
