"""Attention: ``self_attention`` (SAGAN), ``multi_head_attention``, ``channel_attention``
(squeeze-excite), ``efficient_attention`` (linear-cost), and HyperGAN's ``segment_softmax``
(a softmax selection among candidate outputs). Tokens of an image are its H*W pixels.

Cost: ``self_attention`` and ``multi_head_attention`` build an (H W)^2 attention matrix; use them
at 32x32 or below on a CPU.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .base import Built, Param, layer, positive
from .weights import INIT_SN


def _heads(x: torch.Tensor, heads: int) -> torch.Tensor:
    """``(B, D, T)`` -> ``(B, heads, T, D / heads)``."""
    b, d, t = x.shape
    return x.reshape(b, heads, d // heads, t).transpose(2, 3)


class SelfAttention(nn.Module):
    """SAGAN: ``x + gamma * out(attention(q(x), k(x), v(x)))`` over the H*W positions; ``gamma``
    is learned and starts at ``gamma`` (0 in SAGAN: the block starts as the identity)."""

    def __init__(self, channels: int, qk: int, heads: int, gamma: float):
        super().__init__()
        self.heads = heads
        self.q, self.k = nn.Conv2d(channels, qk, 1), nn.Conv2d(channels, qk, 1)
        self.v, self.out = nn.Conv2d(channels, channels, 1), nn.Conv2d(channels, channels, 1)
        self.gamma = nn.Parameter(torch.tensor(float(gamma)))

    def forward(self, x):
        b, c, h, w = x.shape
        q, k, v = (_heads(f(x).flatten(2), self.heads) for f in (self.q, self.k, self.v))
        o = F.scaled_dot_product_attention(q, k, v)  # (B, heads, HW, C / heads)
        o = o.transpose(2, 3).reshape(b, c, h, w)
        return x + self.gamma * self.out(o)


@layer(
    "self_attention",
    Param("reduction", int, 8, help="query/key channels = C / reduction"),
    Param("heads", int, 1),
    Param("gamma", float, 0.0, help="initial weight of the attention branch"),
    *INIT_SN,
    aliases=("attention",),
)
def self_attention(a, ctx) -> Built:
    """Self-attention over positions with a learned residual weight (Zhang et al., SAGAN)."""
    c, h, w = ctx.image()
    positive(ctx, reduction=a.reduction, heads=a.heads)
    qk = max(c // a.reduction, 1)
    if qk % a.heads or c % a.heads:
        raise ctx.fail(f"heads={a.heads} must divide the channels {c} and C / reduction = {qk}")
    return Built(SelfAttention(c, qk, a.heads, a.gamma), (c, h, w))


class MultiHeadAttention(nn.Module):
    """Scaled dot-product attention with ``heads`` heads over the pixels of ``(B, D, H, W)``, then a
    linear map to ``out`` features. A vector ``(B, D)`` is a single token: attending to itself
    only, attention reduces to ``o(v(x))`` (as in HyperGAN), so it has no query or key maps."""

    def __init__(self, dim: int, out: int, heads: int, tokens: bool):
        super().__init__()
        self.heads = heads
        if tokens:
            self.q, self.k = nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.v, self.o = nn.Linear(dim, dim), nn.Linear(dim, out)

    def forward(self, x):
        if x.dim() == 2:
            return self.o(self.v(x))
        tokens = x.flatten(2).transpose(1, 2)  # (B, HW, D)
        q, k, v = (_heads(f(tokens).transpose(1, 2), self.heads) for f in (self.q, self.k, self.v))
        o = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).flatten(2)  # (B, HW, D)
        return self.o(o).transpose(1, 2).reshape(x.shape[0], -1, *x.shape[2:])


@layer(
    "multi_head_attention",
    Param("size", int, None, positional=True, help="output features (default: input channels)"),
    Param("heads", int, 4),
    *INIT_SN,
)
def multi_head_attention(a, ctx) -> Built:
    """``multi_head_attention 256 heads=4``: image ``(C, H, W) -> (size, H, W)``, vector ``(N,) -> (size,)``."""
    if len(ctx.shape) not in (1, 3):
        raise ctx.fail(f"needs an image (C, H, W) or a vector (N,), got {ctx.shape}")
    dim = ctx.shape[0]
    size = a.size or dim
    positive(ctx, size=size, heads=a.heads)
    if dim % a.heads:
        raise ctx.fail(f"heads={a.heads} must divide the input channels {dim}")
    return Built(MultiHeadAttention(dim, size, a.heads, len(ctx.shape) == 3), (size, *ctx.shape[1:]))


class ChannelAttention(nn.Module):
    """Squeeze-excite: ``x * sigmoid(up(relu(down(mean_hw(x)))))``, then an optional 1x1 projection."""

    def __init__(self, channels: int, hidden: int, out: int):
        super().__init__()
        self.down, self.up = nn.Linear(channels, hidden), nn.Linear(hidden, channels)
        self.project = nn.Conv2d(channels, out, 1) if out != channels else nn.Identity()

    def forward(self, x):
        s = torch.sigmoid(self.up(F.relu(self.down(x.mean(dim=(2, 3))))))
        return self.project(x * s[:, :, None, None])


@layer(
    "channel_attention",
    Param("channels", int, None, positional=True, help="output channels (default: input channels)"),
    Param("reduction", int, 16, help="hidden size = C / reduction"),
    *INIT_SN,
)
def channel_attention(a, ctx) -> Built:
    """Squeeze-and-excitation (Hu et al.): reweights channels from their global average."""
    c, h, w = ctx.image()
    out = a.channels or c
    positive(ctx, channels=out, reduction=a.reduction)
    return Built(ChannelAttention(c, max(c // a.reduction, 1), out), (out, h, w))


class EfficientAttention(nn.Module):
    """Shen et al.: keys softmaxed over positions, queries over channels; cost linear in H*W."""

    def __init__(self, channels: int, out: int):
        super().__init__()
        self.q, self.k, self.v = (nn.Conv2d(channels, channels, 1) for _ in range(3))
        self.out = nn.Conv2d(channels, out, 1)

    def forward(self, x):
        b, c, h, w = x.shape
        q = self.q(x).flatten(2).softmax(dim=1)  # (B, C, HW)
        k = self.k(x).flatten(2).softmax(dim=2)
        context = k @ self.v(x).flatten(2).transpose(1, 2)  # (B, C, C)
        return self.out((context.transpose(1, 2) @ q).reshape(b, c, h, w))


@layer(
    "efficient_attention",
    Param("channels", int, None, positional=True, help="output channels (default: input channels)"),
    *INIT_SN,
)
def efficient_attention(a, ctx) -> Built:
    """Linear-cost attention (HyperGAN's ``add self (efficient_attention)``)."""
    c, h, w = ctx.image()
    out = a.channels or c
    positive(ctx, channels=out)
    return Built(EfficientAttention(c, out), (out, h, w))


class SegmentSoftmax(nn.Module):
    """The first half of the channels holds ``k`` candidate images of ``out`` channels, the second
    half ``k`` logits per pixel; the output is the softmax-weighted sum of the candidates."""

    def __init__(self, out: int):
        super().__init__()
        self.out = out

    def forward(self, x):
        b, c, h, w = x.shape
        content, logits = x.split(c // 2, dim=1)
        content = content.reshape(b, -1, self.out, h, w)  # (B, k, out, H, W)
        weights = logits.reshape(b, -1, self.out, h, w).softmax(dim=1)
        return (weights * content).sum(dim=1)


@layer("segment_softmax", Param("channels", int, 3, positional=True, help="output channels"))
def segment_softmax(a, ctx) -> Built:
    """HyperGAN's output head ``conv2d 30``, ``segment_softmax 3``: ``(2 k C, H, W) -> (C, H, W)``."""
    c, h, w = ctx.image()
    positive(ctx, channels=a.channels)
    if c % (2 * a.channels):
        raise ctx.fail(f"input channels {c} must be a multiple of 2 x {a.channels}")
    return Built(SegmentSoftmax(a.channels), (a.channels, h, w))
