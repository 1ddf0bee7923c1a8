"""A network built from a list of layer strings, with every shape inferred.

    net = build_network("generator", ["conv 64 stride=2 name=e1", "lrelu", "deconv 2", "tanh"],
                        inputs={"condition": (1, 64, 64)}, input="condition")
    y = net({"condition": x})          # x: (B, 1, 64, 64) -> y: (B, 2, 64, 64)

Each layer sees the previous output; ``name=`` keeps an output for later ``cat`` / ``add`` /
``layer``. ``defaults`` (HyperGAN's per-network block) fills unwritten options of weight layers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import torch
from torch import nn

from .dsl import LayerSpec, parse_layer
from .errors import ConfigError, join_path
from .layers import BuildContext, Built, build_layer
from .layers.base import Shape
from .layers.defaults import LayerDefaults, resolve_defaults

RESERVED = ("self", "noise")  # operand words of add / cat / mul


@dataclass(frozen=True)
class LayerRow:
    """One row of the inspector's table."""

    index: int
    source: str
    shape: Shape
    params: int
    frozen: bool = False


class Network(nn.Module):
    """Runs its layers in order, keeping named outputs. Call with a dict of named input tensors.

    Parameters of ``trainable=false`` layers stay frozen: ``requires_grad_`` leaves them off.
    ``w_is_latent``: until a layer is named ``w``, ``w`` is the latent.
    """

    def __init__(
        self,
        input: str,
        built: Sequence[Built],
        names: Sequence[str | None],
        rows: Sequence[LayerRow],
        w_is_latent: bool = False,
    ):
        super().__init__()
        self.input = input
        self.w_is_latent = w_is_latent
        self.layers = nn.ModuleList(b.module for b in built)
        self.uses_refs = [bool(b.refs) for b in built]
        self.names = list(names)
        self.rows = list(rows)
        self.out_shape = rows[-1].shape if rows else None
        self.frozen = {n for n, p in self.named_parameters() if not p.requires_grad}

    def forward(self, inputs: Mapping[str, torch.Tensor]) -> torch.Tensor:
        named = dict(inputs)
        if self.w_is_latent:
            named["w"] = named["latent"]
        x = named[self.input]
        for layer, refs, name in zip(self.layers, self.uses_refs, self.names):
            x = layer(x, named) if refs else layer(x)
            if name:
                named[name] = x
        return x

    def features(self, inputs: Mapping[str, torch.Tensor]) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """The output and, in layer order, every output kept with ``name=`` (feature matching reads them)."""
        named = dict(inputs)
        if self.w_is_latent:
            named["w"] = named["latent"]
        x, kept = named[self.input], []
        for layer, refs, name in zip(self.layers, self.uses_refs, self.names):
            x = layer(x, named) if refs else layer(x)
            if name:
                named[name] = x
                kept.append(x)
        return x, kept

    def requires_grad_(self, requires_grad: bool = True) -> Network:
        for name, p in self.named_parameters():
            p.requires_grad_(requires_grad and name not in self.frozen)
        return self


def _nested_builder(names: dict[str, Shape], where: str, defaults: dict, outer: str):
    """``ctx.build_nested``: builds a ``( ... )`` layer (or an ``activation=``) on a given shape."""

    def build(spec: LayerSpec, shape: Shape) -> Built:
        ctx = BuildContext(shape=shape, names=names, path=where, spec=spec, defaults=defaults, within=outer)
        ctx.build_nested = _nested_builder(names, where, defaults, outer)
        if spec.option("name") is not None:
            raise ctx.fail("name= cannot be used inside ( ); name the enclosing layer")
        return build_layer(spec, ctx)

    return build


def build_network(
    path: str,
    layers: Sequence[str],
    inputs: Mapping[str, Shape],
    input: str,
    defaults: LayerDefaults | None = None,
) -> Network:
    """Parse and build ``layers``; ``inputs`` maps the always-known names to shapes (no batch).

    Every error is a ConfigError naming ``path.layers[i]`` and the layer string.
    """
    if input not in inputs:
        raise ConfigError(join_path(path, "input"), f"unknown input '{input}' (valid: {', '.join(sorted(inputs))})")
    if not layers:
        raise ConfigError(join_path(path, "layers"), "a network needs at least one layer")
    resolved = resolve_defaults(defaults, join_path(path, "defaults"))
    names: dict[str, Shape] = dict(inputs)
    w_is_latent = "latent" in inputs and "w" not in inputs  # the style vector until a layer is named w
    if w_is_latent:
        names["w"] = inputs["latent"]
    implicit_w = w_is_latent
    shape = inputs[input]
    built, keep, rows = [], [], []
    for i, text in enumerate(layers):
        where = join_path(join_path(path, "layers"), i)
        spec = parse_layer(text, where)
        ctx = BuildContext(shape=shape, names=names, path=where, spec=spec, defaults=resolved)
        ctx.build_nested = _nested_builder(names, where, resolved, str(spec))
        b = build_layer(spec, ctx)
        name = spec.option("name")
        if name is not None:
            if name in RESERVED:
                raise ctx.fail(f"'{name}' is a reserved word")
            if name in names and not (name == "w" and implicit_w):
                raise ctx.fail(f"name '{name}' is already used")
            implicit_w = implicit_w and name != "w"
            names[name] = b.shape
        shape = b.shape
        built.append(b)
        keep.append(name)
        params = list(b.module.parameters())
        frozen = bool(params) and not any(p.requires_grad for p in params)
        rows.append(LayerRow(i, str(spec), b.shape, sum(p.numel() for p in params), frozen))
    return Network(input, built, keep, rows, w_is_latent)
