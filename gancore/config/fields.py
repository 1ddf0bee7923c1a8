"""Turn parsed JSON into typed, frozen dataclasses, checking every key and type on the way.

    from_dict(TrainConfig, {"steps": "ten"}, "train")
    # ConfigError: train.steps: expected an integer, got 'ten'

Supported field types: int, float, bool, str, ``X | None``, ``Literal[...]``, ``tuple[X, ...]``,
fixed tuples, nested dataclasses and ``Component`` (a ``{"type": ...}`` object resolved through
a registry). Keys beginning with ``#`` are comments (GAGA's convention) and are ignored. A field's
``metadata["aliases"]`` lists other accepted names (HyperGAN's and GAGA's spellings).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from ..errors import ConfigError, join_path
from ..options import alias


def _describe(tp: Any) -> str:
    if tp is int:
        return "an integer"
    if tp is float:
        return "a number"
    if tp is bool:
        return "true or false"
    if tp is str:
        return "a string"
    origin = get_origin(tp)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(tp))
    if origin is tuple:
        return "a list"
    if dataclasses.is_dataclass(tp):
        return "an object"
    return getattr(tp, "__name__", str(tp))


def convert(tp: Any, value: Any, path: str) -> Any:
    """``value`` checked and converted to type ``tp``; a ConfigError names ``path`` on mismatch."""
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        options = get_args(tp)
        if value is None and type(None) in options:
            return None
        errors = []
        for option in options:
            if option is type(None):
                continue
            try:
                return convert(option, value, path)
            except ConfigError as err:
                errors.append(err)
        if len(errors) == 1:
            raise errors[0]
        raise ConfigError(
            path, f"expected {' or '.join(_describe(o) for o in options if o is not type(None))}, got {value!r}"
        )
    if origin is Literal:
        if value not in get_args(tp):
            raise ConfigError(path, f"expected {_describe(tp)}, got {value!r}")
        return value
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise ConfigError(path, f"expected a list, got {value!r}")
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(convert(args[0], v, join_path(path, i)) for i, v in enumerate(value))
        if len(value) != len(args):
            raise ConfigError(path, f"expected a list of {len(args)} values, got {len(value)}")
        return tuple(convert(a, v, join_path(path, i)) for i, (a, v) in enumerate(zip(args, value)))
    if tp is Any:
        return value
    if dataclasses.is_dataclass(tp):
        if hasattr(tp, "from_json"):
            return tp.from_json(value, path)
        return from_dict(tp, value, path)
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(path, f"expected true or false, got {value!r}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(path, f"expected an integer, got {value!r}")
        return value
    if tp is float:
        if isinstance(value, str):  # GAGA writes "0.9"
            try:
                return float(value)
            except ValueError:
                pass
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(path, f"expected a number, got {value!r}")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(path, f"expected a string, got {value!r}")
        return value
    raise TypeError(f"unsupported config field type {tp!r} at {path}")


def from_dict(cls: type, data: Any, path: str, skip: tuple[str, ...] = ()) -> Any:
    """Build dataclass ``cls`` from a JSON object: unknown keys, missing keys and bad types fail."""
    if not isinstance(data, Mapping):
        raise ConfigError(path, f"expected an object {{...}}, got {data!r}")
    hints = get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    names: dict[str, str] = {}
    for f in fields.values():
        for key in (f.name, *f.metadata.get("aliases", ())):
            names[key] = f.name
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key.startswith("#") or key in skip:
            continue
        if key not in names:
            valid = ", ".join(sorted(fields))
            raise ConfigError(join_path(path, key), f"unknown key '{key}' (valid: {valid})")
        field = names[key]
        if field in values:
            raise ConfigError(join_path(path, key), f"'{key}' repeats '{field}'")
        values[field] = convert(hints[field], value, join_path(path, key))
    for name, f in fields.items():
        if name not in values and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ConfigError(join_path(path, name), "is required")
    return cls(**values)


def to_dict(obj: Any) -> Any:
    """The JSON form of a config dataclass (inverse of ``from_dict``), defaults included."""
    if hasattr(obj, "to_json"):
        return obj.to_json()
    if dataclasses.is_dataclass(obj):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, tuple):
        return [to_dict(v) for v in obj]
    return obj


__all__ = ["alias", "convert", "from_dict", "to_dict", "typing"]
