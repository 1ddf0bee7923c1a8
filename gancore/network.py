"""A network built from a list of layer strings, with every shape inferred.

    net = build_network("generator", ["conv 64 stride=2 name=e1", "lrelu", "deconv 2", "tanh"],
                        inputs={"condition": (1, 64, 64)}, input="condition")
    y = net({"condition": x})          # x: (B, 1, 64, 64) -> y: (B, 2, 64, 64)

Each layer sees the previous output; ``name=`` keeps an output for later ``cat`` / ``add``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import torch
from torch import nn

from .dsl import parse_layer
from .errors import ConfigError, join_path
from .layers import BuildContext, Built, build_layer
from .layers.base import Shape


@dataclass(frozen=True)
class LayerRow:
    """One row of the inspector's table."""

    index: int
    source: str
    shape: Shape
    params: int


class Network(nn.Module):
    """Runs its layers in order, keeping named outputs. Call with a dict of named input tensors."""

    def __init__(self, input: str, built: Sequence[Built], names: Sequence[str | None], rows: Sequence[LayerRow]):
        super().__init__()
        self.input = input
        self.layers = nn.ModuleList(b.module for b in built)
        self.uses_refs = [bool(b.refs) for b in built]
        self.names = list(names)
        self.rows = list(rows)
        self.out_shape = rows[-1].shape if rows else None

    def forward(self, inputs: Mapping[str, torch.Tensor]) -> torch.Tensor:
        named = dict(inputs)
        x = named[self.input]
        for layer, refs, name in zip(self.layers, self.uses_refs, self.names):
            x = layer(x, named) if refs else layer(x)
            if name:
                named[name] = x
        return x


def build_network(path: str, layers: Sequence[str], inputs: Mapping[str, Shape], input: str) -> Network:
    """Parse and build ``layers``; ``inputs`` maps the always-known names to shapes (no batch).

    Every error is a ConfigError naming ``path.layers[i]`` and the layer string.
    """
    if input not in inputs:
        raise ConfigError(join_path(path, "input"), f"unknown input '{input}' (valid: {', '.join(sorted(inputs))})")
    if not layers:
        raise ConfigError(join_path(path, "layers"), "a network needs at least one layer")
    names: dict[str, Shape] = dict(inputs)
    shape = inputs[input]
    built, keep, rows = [], [], []
    for i, text in enumerate(layers):
        where = join_path(join_path(path, "layers"), i)
        spec = parse_layer(text, where)
        ctx = BuildContext(shape=shape, names=names, path=where, spec=spec)
        b = build_layer(spec, ctx)
        name = spec.option("name")
        if name is not None:
            if name in names:
                raise ctx.fail(f"name '{name}' is already used")
            names[name] = b.shape
        shape = b.shape
        built.append(b)
        keep.append(name)
        rows.append(LayerRow(i, str(spec), b.shape, sum(p.numel() for p in b.module.parameters())))
    return Network(input, built, keep, rows)
