"""Typed results of parsing a layer string: ``LayerSpec`` and ``Size``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True)
class Size:
    """A ``W*H*C`` size from the DSL, e.g. ``reshape 10*10*256``. ``dims`` keep the written order.

    ``as_chw()`` maps it to a PyTorch shape: ``Size((10, 10, 256)).as_chw() == (256, 10, 10)``;
    one number is ``(C,)``; two are ``W*H`` with one channel.
    """

    dims: tuple[int, ...]

    def as_chw(self) -> tuple[int, ...]:
        if len(self.dims) == 1:
            return self.dims
        if len(self.dims) == 2:
            w, h = self.dims
            return (1, h, w)
        w, h, c = self.dims[0], self.dims[1], self.dims[2]
        rest = self.dims[3:]
        return (c, h, w, *rest)

    def __str__(self) -> str:
        return "*".join(str(d) for d in self.dims)


Value = Union[int, float, bool, None, str, Size, "LayerSpec"]


@dataclass(frozen=True)
class LayerSpec:
    """One parsed layer string: ``"conv 64 stride=2 name=e1"`` ->
    ``LayerSpec(op="conv", args=(64,), options=(("stride", 2), ("name", "e1")))``.

    ``source`` is the text it came from, for error messages. Options keep their written order.
    """

    op: str
    args: tuple[Value, ...] = ()
    options: tuple[tuple[str, Value], ...] = ()
    source: str = field(default="", compare=False)

    def option(self, key: str, default: Value = None) -> Value:
        for k, v in self.options:
            if k == key:
                return v
        return default

    def __str__(self) -> str:
        return self.source or " ".join([self.op, *map(_fmt, self.args), *(f"{k}={_fmt(v)}" for k, v in self.options)])


def _fmt(v: Value) -> str:
    if isinstance(v, LayerSpec):
        return f"({v})"
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)
