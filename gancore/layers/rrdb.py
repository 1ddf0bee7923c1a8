"""``rrdb N``: N residual-in-residual dense blocks, the trunk of ESRGAN's generator (Wang et al. 2018).

A dense block (RDB) is five 3x3 convolutions; each sees the block's input concatenated with
every earlier convolution's output (``growth`` channels each), the first four are followed by
LeakyReLU(0.2), and the fifth maps back to the input's channels. Its output is
``x + scale * conv5(...)`` (residual scaling, ESRGAN's beta = 0.2; no batch norm). An RRDB chains
three dense blocks and adds its own input back the same way: ``x + scale * RDB3(RDB2(RDB1(x)))``.
Shape in = shape out ``(C, H, W)``. ESRGAN's generator is ``conv 64``, ``rrdb 23``, ``conv 64``,
an ``add`` of the first conv, then upsampling; the DSL writes that with ``name=`` and ``add``.
"""

from __future__ import annotations

import torch
from torch import nn

from .base import Built, Param, layer, positive
from .weights import INIT_SN


class DenseBlock(nn.Module):
    """``x + scale * conv5(cat(x, f1, f2, f3, f4))``, ``f_i = lrelu(conv_i(cat(x, f1..f_{i-1})))``."""

    def __init__(self, channels: int, growth: int, scale: float, slope: float = 0.2):
        super().__init__()
        self.convs = nn.ModuleList(
            nn.Conv2d(channels + i * growth, growth if i < 4 else channels, 3, padding=1) for i in range(5)
        )
        self.scale, self.slope = scale, slope

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = [x]
        for conv in self.convs[:-1]:
            features.append(nn.functional.leaky_relu(conv(torch.cat(features, 1)), self.slope))
        return x + self.scale * self.convs[-1](torch.cat(features, 1))


class RRDB(nn.Module):
    """Three dense blocks inside one more scaled residual."""

    def __init__(self, channels: int, growth: int, scale: float):
        super().__init__()
        self.blocks = nn.Sequential(*(DenseBlock(channels, growth, scale) for _ in range(3)))
        self.scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.scale * self.blocks(x)


@layer(
    "rrdb",
    Param("count", int, 1, positional=True, help="number of RRDBs"),
    Param("growth", int, 32, help="channels each dense convolution adds (ESRGAN: 32)"),
    Param("scale", float, 0.2, help="residual scaling beta (ESRGAN: 0.2)"),
    *INIT_SN,
)
def rrdb(a, ctx) -> Built:
    """``rrdb 3 growth=16``: three residual-in-residual dense blocks on an image, same shape out."""
    c, h, w = ctx.image()
    positive(ctx, count=a.count, growth=a.growth)
    if not 0 < a.scale <= 1:
        raise ctx.fail(f"scale must be in (0, 1], got {a.scale}")
    return Built(nn.Sequential(*(RRDB(c, a.growth, a.scale) for _ in range(a.count))), (c, h, w))
