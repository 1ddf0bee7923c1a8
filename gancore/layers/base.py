"""How a layer op is declared, checked and built.

An op is one function registered with its parameters::

    @layer("conv", Param("filters", int, positional=True), Param("stride", int, 1), *WEIGHT_OPTIONS)
    def conv(a: Args, ctx: BuildContext) -> Built: ...

``build_layer`` checks the parsed ``LayerSpec`` against the declaration (unknown options, missing
or surplus positional args, wrong types) before the function runs, so every op gets the same
error messages. Shapes exclude the batch: ``(C, H, W)`` for images, ``(N,)`` for vectors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from torch import nn

from ..dsl.spec import LayerSpec, Size
from ..errors import ConfigError
from ..registry import Registry

Shape = tuple[int, ...]
REQUIRED = object()


@dataclass(frozen=True)
class Param:
    """One positional arg or ``key=value`` option of an op. ``kind`` is a type or a tuple of types."""

    name: str
    kind: Any
    default: Any = None
    positional: bool = False
    help: str = ""


@dataclass(frozen=True)
class Built:
    """What an op function returns: the module and its output shape (no batch dimension).

    ``refs`` lists the named outputs the module reads at forward time; such a module is called
    as ``module(x, named)`` with the dict of named tensors.
    """

    module: nn.Module
    shape: Shape
    refs: tuple[str, ...] = ()


@dataclass
class BuildContext:
    """What an op may know while it is built: its input shape and the shapes of named outputs."""

    shape: Shape
    names: dict[str, Shape]
    path: str
    spec: LayerSpec
    build_nested: Callable[[LayerSpec, Shape], Built] = field(repr=False, default=None)  # type: ignore[assignment]

    def fail(self, message: str) -> ConfigError:
        return ConfigError(self.path, f'"{self.spec}": {message}')

    def image(self) -> tuple[int, int, int]:
        """The input as ``(C, H, W)``; fails with a clear message on a vector input."""
        if len(self.shape) != 3:
            raise self.fail(f"needs an image input (C, H, W), got shape {self.shape}")
        return self.shape  # type: ignore[return-value]

    def lookup(self, name: str) -> Shape:
        if name not in self.names:
            raise self.fail(f"unknown name '{name}' (known: {', '.join(sorted(self.names))})")
        return self.names[name]


@dataclass(frozen=True)
class OpDef:
    name: str
    fn: Callable[[SimpleNamespace, BuildContext], Built]
    params: tuple[Param, ...]
    doc: str


LAYERS: Registry[OpDef] = Registry("layer")

# options every layer takes; ``name`` keeps the output for ``cat NAME`` / ``add NAME``
COMMON = (Param("name", str, None, help="keep this output under a name"),)


def layer(name: str, *params: Param, aliases: tuple[str, ...] = ()) -> Callable:
    """Register an op function under ``name`` with its declared parameters."""

    def add(fn: Callable) -> Callable:
        LAYERS.register(name, *aliases)(OpDef(name, fn, tuple(params) + COMMON, (fn.__doc__ or "").strip()))
        return fn

    return add


def _type_ok(value: Any, kind: Any) -> bool:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    for k in kinds:
        if k is None and value is None:
            return True
        if k is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return True
        if k is int and isinstance(value, int) and not isinstance(value, bool):
            return True
        if k in (str, bool, Size, LayerSpec) and isinstance(value, k):
            return True
    return False


def _kind_name(kind: Any) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {
        int: "an integer",
        float: "a number",
        str: "a word",
        bool: "true/false",
        Size: "a size W*H*C",
        LayerSpec: "a nested (layer)",
        None: "null",
    }
    return " or ".join(names.get(k, str(k)) for k in kinds)


def check_args(op: OpDef, spec: LayerSpec, fail: Callable[[str], ConfigError]) -> SimpleNamespace:
    """Match ``spec``'s args and options to ``op``'s params; fill defaults; check types."""
    positional = [p for p in op.params if p.positional]
    named = {p.name: p for p in op.params if not p.positional}
    values: dict[str, Any] = {}
    if len(spec.args) > len(positional):
        want = " ".join(p.name.upper() for p in positional) or "no positional arguments"
        raise fail(f"too many arguments ({op.name} takes: {want})")
    for p, v in zip(positional, spec.args):
        values[p.name] = v
    for key, v in spec.options:
        if key not in named and key not in {p.name for p in positional}:
            valid = ", ".join(p.name for p in op.params)
            raise fail(f"unknown option '{key}' ({op.name} takes: {valid})")
        if key in values:
            raise fail(f"'{key}' is given twice")
        values[key] = v
    for p in op.params:
        if p.name not in values:
            if p.default is REQUIRED:
                raise fail(f"missing {p.name.upper()} ({op.name} takes: {_usage(op)})")
            values[p.name] = p.default
        elif not _type_ok(values[p.name], p.kind) and not (values[p.name] is None and p.default is None):
            raise fail(f"'{p.name}' must be {_kind_name(p.kind)}, got {values[p.name]!r}")
    return SimpleNamespace(**values)


def _usage(op: OpDef) -> str:
    pos = " ".join(p.name.upper() for p in op.params if p.positional)
    return " ".join(
        x for x in (op.name, pos, "[" + ", ".join(p.name for p in op.params if not p.positional) + "]") if x
    )


def build_layer(spec: LayerSpec, ctx: BuildContext) -> Built:
    """Check ``spec`` and build it for input shape ``ctx.shape``."""
    if spec.op not in LAYERS:
        raise ctx.fail(f"unknown op '{spec.op}' (valid: {', '.join(LAYERS.names())})")
    op = LAYERS.get(spec.op)
    args = check_args(op, spec, ctx.fail)
    built = op.fn(args, ctx)
    assert all(isinstance(d, int) and d > 0 for d in built.shape), f"{spec.op} inferred bad shape {built.shape}"
    return built


def conv_out(size: int, kernel: int, stride: int, padding: int, dilation: int = 1) -> int:
    """Output length of a convolution along one axis (PyTorch's formula)."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1
