"""An exponential moving average of G's weights (Karras et al. 2018; Yazıcı et al. 2019).

The EMA copy lags the live generator: ``ema <- decay * ema + (1 - decay) * live`` after each G
step. It is what sample grids show and what ``generator.safetensors`` holds; checkpoints keep both.
"""

from __future__ import annotations

import copy

import torch
from torch import nn


def make_ema(generator: nn.Module) -> nn.Module:
    """A frozen copy of ``generator`` (same structure, weights and buffers), in eval mode."""
    ema = copy.deepcopy(generator)
    ema.requires_grad_(False)
    return ema.eval()


@torch.no_grad()
def ema_update(ema: nn.Module, live: nn.Module, decay: float) -> None:
    """Moves ``ema``'s parameters toward ``live``'s (``decay = 0`` copies); buffers are copied."""
    for e, p in zip(ema.parameters(), live.parameters()):
        e.lerp_(p.detach(), 1.0 - decay)
    for e, b in zip(ema.buffers(), live.buffers()):
        e.copy_(b)
