"""``residual N``: N residual blocks (He et al.), HyperGAN's meaning of ``residual 3``.

Each block is ``shortcut(x) + main(x)`` with ``main = conv, norm, activation, [dropout], conv, norm``
(3x3 convolutions, the ResNet/CycleGAN generator block). ``block=up`` / ``block=down`` makes the
first block double / halve H and W (nearest upsample before / 2x2 average pool after, on both
paths); ``output_channels`` changes the channels in the first block (1x1 convolution shortcut).
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import nn

from ..dsl.spec import LayerSpec
from .activation import ACTIVATIONS
from .base import Built, Param, layer, positive
from .weights import INIT_SN

NORMS = ("instance_norm", "batch_norm", "layer_norm", "group_norm", "pixel_norm")
PADS = ("zeros", "reflect", "replicate", "circular")


class Block(nn.Module):
    """``shortcut(x) + main(x)``; ``sample`` ('up', 'down' or '') resamples both paths by 2."""

    def __init__(self, main: nn.Sequential, shortcut: nn.Module, sample: str):
        super().__init__()
        self.main, self.shortcut, self.sample = main, shortcut, sample

    def forward(self, x):
        if self.sample == "up":
            x = F.interpolate(x, scale_factor=2, mode="nearest")
        y = self.shortcut(x) + self.main(x)
        return F.avg_pool2d(y, 2) if self.sample == "down" else y


def _part(ctx, text: str, shape) -> nn.Module:
    """A norm or activation layer built from its op name (checked like any layer)."""
    return ctx.build_nested(LayerSpec(text, source=text), shape).module


@layer(
    "residual",
    Param("count", int, 3, positional=True, help="number of blocks"),
    Param("filter", int, 3, help="kernel size (odd)"),
    Param("norm", (str, None), "instance_norm", help=", ".join(NORMS) + " or null"),
    Param("activation", (str, None), "relu", help="an activation op, or null"),
    Param("pad", str, "zeros", help=", ".join(PADS) + " (CycleGAN: reflect)"),
    Param("dropout", float, 0.0),
    Param("block", str, "default", help="default, up or down"),
    Param("output_channels", int, None, help="channels after the first block"),
    *INIT_SN,
)
def residual(a, ctx) -> Built:
    """``residual 9 pad=reflect``: nine ResNet blocks, the core of CycleGAN's ResNet-9 generator."""
    c, h, w = ctx.image()
    out = a.output_channels or c
    positive(ctx, count=a.count, filter=a.filter, output_channels=out)
    if a.filter % 2 == 0:
        raise ctx.fail(f"'filter' must be odd, got {a.filter}")
    choices = (("norm", a.norm, NORMS), ("pad", a.pad, PADS), ("block", a.block, ("default", "up", "down")))
    for key, value, valid in choices:
        if value is not None and value not in valid:
            raise ctx.fail(f"{key} must be {', '.join(valid)}, got '{value}'")
    if a.activation is not None and a.activation not in ACTIVATIONS:
        raise ctx.fail(f"activation must be one of {', '.join(sorted(ACTIVATIONS))} or null, got '{a.activation}'")
    if not 0 <= a.dropout < 1:
        raise ctx.fail(f"dropout must be in [0, 1), got {a.dropout}")
    if a.block == "down" and (h < 2 or w < 2):
        raise ctx.fail(f"block=down cannot halve an input of {h}x{w}")
    blocks, cin = [], c
    size = {"up": (2 * h, 2 * w), "down": (h, w), "default": (h, w)}[a.block]
    for i in range(a.count):
        cout = out
        layers: list[nn.Module] = []
        for j, (ci, co) in enumerate(((cin, cout), (cout, cout))):
            layers.append(nn.Conv2d(ci, co, a.filter, padding=a.filter // 2, padding_mode=a.pad))
            if a.norm is not None:
                layers.append(_part(ctx, a.norm, (co, *size)))
            if j == 0 and a.activation is not None:
                layers.append(_part(ctx, a.activation, (co, *size)))
            if j == 0 and a.dropout:
                layers.append(nn.Dropout(a.dropout))
        shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()
        blocks.append(Block(nn.Sequential(*layers), shortcut, a.block if i == 0 and a.block != "default" else ""))
        cin = cout
    if a.block == "down":
        size = (h // 2, w // 2)
    return Built(nn.Sequential(*blocks), (out, *size))
