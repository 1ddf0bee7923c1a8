"""``gated_conv N``: DeepFill v2's gated convolution (Yu et al. 2019), ``act(conv_f(x)) * sigmoid(conv_g(x))``.

Two convolutions of the same shape read the input: one gives the features, the other a gate in
(0, 1) per output pixel and channel, so the layer learns which inputs to trust (a hole's pixels,
the mask channel) instead of treating every pixel as valid. Options as ``conv`` (``filter``,
``stride``, ``padding``, ``dilation``, the weight options); ``activation`` for the feature path
(DeepFill v2: ELU; ``null`` for none).
"""

from __future__ import annotations

import torch
from torch import nn

from ..dsl.spec import LayerSpec
from .activation import ACTIVATIONS
from .base import REQUIRED, Built, Param, conv_out, layer, positive
from .weights import INIT_SN


class GatedConv(nn.Module):
    def __init__(self, features: nn.Conv2d, gate: nn.Conv2d, act: nn.Module):
        super().__init__()
        self.features, self.gate, self.act = features, gate, act

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.features(x)) * torch.sigmoid(self.gate(x))


@layer(
    "gated_conv",
    Param("filters", int, REQUIRED, positional=True, help="output channels"),
    Param("filter", int, 3, help="kernel size", network_default=True),
    Param("stride", int, 1, network_default=True),
    Param("padding", int, None, help="default: (filter - 1) // 2 * dilation"),
    Param("dilation", int, 1),
    Param("activation", (str, None), "elu", help="of the feature path: an activation op, or null"),
    Param("bias", bool, True),
    *INIT_SN,
)
def gated_conv(a, ctx) -> Built:
    """``gated_conv 64 stride=2``: features times a learned sigmoid gate (DeepFill v2)."""
    c, h, w = ctx.image()
    positive(ctx, filters=a.filters, filter=a.filter, stride=a.stride, dilation=a.dilation)
    pad = (a.filter - 1) // 2 * a.dilation if a.padding is None else a.padding
    if pad < 0:
        raise ctx.fail(f"'padding' must be 0 or more, got {pad}")
    oh, ow = conv_out(h, a.filter, a.stride, pad, a.dilation), conv_out(w, a.filter, a.stride, pad, a.dilation)
    if oh < 1 or ow < 1:
        raise ctx.fail(f"input {h}x{w} is too small for filter={a.filter} stride={a.stride} padding={pad}")
    if a.activation is not None and a.activation not in ACTIVATIONS:
        raise ctx.fail(f"activation must be one of {', '.join(sorted(ACTIVATIONS))} or null, got '{a.activation}'")

    def make() -> nn.Conv2d:
        return nn.Conv2d(c, a.filters, a.filter, a.stride, pad, a.dilation, bias=a.bias)

    act = (
        nn.Identity()
        if a.activation is None
        else ctx.build_nested(LayerSpec(a.activation, source=a.activation), (a.filters, oh, ow)).module
    )
    return Built(GatedConv(make(), make(), act), (a.filters, oh, ow))
