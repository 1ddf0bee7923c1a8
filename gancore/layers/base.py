"""How a layer op is declared and checked.

An op is one function registered with its parameters::

    @layer("conv", Param("filters", int, REQUIRED, positional=True), Param("stride", int, 1), *WEIGHT)
    def conv(a: SimpleNamespace, ctx: BuildContext) -> Built: ...

``check_args`` matches a parsed ``LayerSpec`` against the declaration (unknown options, missing
or surplus positional args, wrong types) before the function runs, so every op gets the same
error messages; ``build.build_layer`` runs it. Shapes exclude the batch: ``(C, H, W)`` for
images, ``(N,)`` for vectors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
    """One positional arg or ``key=value`` option of an op. ``kind`` is a type or a tuple of types.

    ``aliases`` are other accepted spellings (HyperGAN's ``lr_mult`` for ``lr_mul``);
    ``network_default`` lets a network's ``defaults`` block fill the value when it is not written;
    a ``variadic`` positional (the last one) takes all remaining args as a tuple (``add self e1``).
    """

    name: str
    kind: Any
    default: Any = None
    positional: bool = False
    help: str = ""
    aliases: tuple[str, ...] = ()
    network_default: bool = False
    variadic: bool = False


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
    """What an op may know while it is built: its input shape and the shapes of named outputs.

    ``defaults`` holds the network's resolved ``defaults`` block; ``within`` is the enclosing layer
    string when this one is nested in ``( ... )``; ``viewed`` is set when ``image()`` had to view
    a vector ``(N,)`` as a 1x1 image ``(N, 1, 1)``.
    """

    shape: Shape
    names: dict[str, Shape]
    path: str
    spec: LayerSpec
    build_nested: Callable[[LayerSpec, Shape], Built] = field(repr=False, default=None)  # type: ignore[assignment]
    defaults: Mapping[str, Any] = field(default_factory=dict)
    within: str = ""
    viewed: bool = False

    def fail(self, message: str) -> ConfigError:
        if self.within:
            return ConfigError(self.path, f'"{self.within}": in ({self.spec}): {message}')
        return ConfigError(self.path, f'"{self.spec}": {message}')

    def image(self) -> tuple[int, int, int]:
        """The input as ``(C, H, W)``. A vector ``(N,)`` is viewed as a 1x1 image ``(N, 1, 1)``
        (HyperGAN lets ``resize_conv`` follow ``linear``); ``build_layer`` adds the reshape."""
        if len(self.shape) == 1:
            self.viewed = True
            return (self.shape[0], 1, 1)
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
COMMON = (
    Param("name", str, None, help="keep this output under a name"),
    Param("trainable", bool, True, help="false freezes this layer's parameters"),
)


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


def check_args(
    op: OpDef, spec: LayerSpec, fail: Callable[[str], ConfigError], fallback: Mapping[str, Any] | None = None
) -> SimpleNamespace:
    """Match ``spec``'s args and options to ``op``'s params; fill defaults; check types.

    ``fallback`` (a network's ``defaults`` block) fills params marked ``network_default`` that the
    string does not set.
    """
    positional = [p for p in op.params if p.positional]
    keys = {key: p.name for p in op.params for key in (p.name, *p.aliases)}
    values: dict[str, Any] = {}
    variadic = positional[-1] if positional and positional[-1].variadic else None
    if len(spec.args) > len(positional) and variadic is None:
        want = " ".join(p.name.upper() for p in positional) or "no positional arguments"
        raise fail(f"too many arguments ({op.name} takes: {want})")
    for p, v in zip(positional, spec.args):
        values[p.name] = v
    if variadic is not None and len(spec.args) >= len(positional):
        values[variadic.name] = tuple(spec.args[len(positional) - 1 :])
    for key, v in spec.options:
        if key not in keys:
            valid = ", ".join(p.name for p in op.params)
            raise fail(f"unknown option '{key}' ({op.name} takes: {valid})")
        if keys[key] in values:
            raise fail(f"'{key}' is given twice")
        values[keys[key]] = v
    for p in op.params:
        if p.name not in values:
            if p.network_default and fallback and fallback.get(p.name) is not None:
                values[p.name] = fallback[p.name]
            elif p.default is REQUIRED:
                raise fail(f"missing {p.name.upper()} ({op.name} takes: {_usage(op)})")
            else:
                values[p.name] = p.default
                continue
        if p.variadic and not isinstance(values[p.name], tuple):
            values[p.name] = (values[p.name],)
        for v in values[p.name] if p.variadic else (values[p.name],):
            if not _type_ok(v, p.kind) and not (v is None and p.default is None):
                raise fail(f"'{p.name}' must be {_kind_name(p.kind)}, got {v!r}")
    return SimpleNamespace(**values)


def _usage(op: OpDef) -> str:
    pos = " ".join(p.name.upper() + ("..." if p.variadic else "") for p in op.params if p.positional)
    return " ".join(
        x for x in (op.name, pos, "[" + ", ".join(p.name for p in op.params if not p.positional) + "]") if x
    )


def conv_out(size: int, kernel: int, stride: int, padding: int, dilation: int = 1) -> int:
    """Output length of a convolution along one axis (PyTorch's formula)."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def positive(ctx: BuildContext, **values: int) -> None:
    """Fail unless every value is at least 1, naming the option."""
    for key, v in values.items():
        if v is not None and v < 1:
            raise ctx.fail(f"'{key}' must be at least 1, got {v}")
