"""Differentiable augmentation (DiffAugment, Zhao et al. 2020) of D's inputs, real and fake alike.

Every op takes images ``(B, C, H, W)`` (any value range) and draws its own random parameters per
sample; gradients flow through to G. ``color`` = brightness, saturation, contrast.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F


def _per_sample(x: torch.Tensor) -> torch.Tensor:
    return torch.rand(x.shape[0], 1, 1, 1, device=x.device, dtype=x.dtype)


def rand_brightness(x: torch.Tensor) -> torch.Tensor:
    """Adds ``U(-0.5, 0.5)`` to every value of a sample."""
    return x + (_per_sample(x) - 0.5)


def rand_saturation(x: torch.Tensor) -> torch.Tensor:
    """Scales the deviation from the channel mean by ``U(0, 2)``."""
    mean = x.mean(dim=1, keepdim=True)
    return (x - mean) * (_per_sample(x) * 2) + mean


def rand_contrast(x: torch.Tensor) -> torch.Tensor:
    """Scales the deviation from the sample mean by ``U(0.5, 1.5)``."""
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    return (x - mean) * (_per_sample(x) + 0.5) + mean


def rand_color(x: torch.Tensor) -> torch.Tensor:
    return rand_contrast(rand_saturation(rand_brightness(x)))


def rand_translation(x: torch.Tensor, ratio: float = 0.125) -> torch.Tensor:
    """Shifts each sample by up to ``ratio`` of its size in x and y, filling with zeros."""
    b, _, h, w = x.shape
    sh, sw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    ty = torch.randint(-sh, sh + 1, (b, 1, 1), device=x.device)
    tx = torch.randint(-sw, sw + 1, (b, 1, 1), device=x.device)
    gb, gy, gx = torch.meshgrid(
        torch.arange(b, device=x.device),
        torch.arange(h, device=x.device),
        torch.arange(w, device=x.device),
        indexing="ij",
    )
    gy = (gy + ty + 1).clamp(0, h + 1)
    gx = (gx + tx + 1).clamp(0, w + 1)
    padded = F.pad(x, [1, 1, 1, 1])  # (B, C, H+2, W+2), zero border
    return padded.permute(0, 2, 3, 1)[gb, gy, gx].permute(0, 3, 1, 2).contiguous()


def rand_cutout(x: torch.Tensor, ratio: float = 0.5) -> torch.Tensor:
    """Zeros one square of side ``ratio`` of the size at a random place in each sample."""
    b, _, h, w = x.shape
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    oy = torch.randint(0, h + (1 - ch % 2), (b, 1, 1), device=x.device)
    ox = torch.randint(0, w + (1 - cw % 2), (b, 1, 1), device=x.device)
    gb, gy, gx = torch.meshgrid(
        torch.arange(b, device=x.device),
        torch.arange(ch, device=x.device),
        torch.arange(cw, device=x.device),
        indexing="ij",
    )
    gy = (gy + oy - ch // 2).clamp(0, h - 1)
    gx = (gx + ox - cw // 2).clamp(0, w - 1)
    mask = torch.ones(b, h, w, device=x.device, dtype=x.dtype)
    mask[gb, gy, gx] = 0
    return x * mask.unsqueeze(1)


def diff_augment(
    x: torch.Tensor, policy: Sequence[str], translation: float = 0.125, cutout: float = 0.5
) -> torch.Tensor:
    """Applies the ops named in ``policy`` in order (``color``, ``translation``, ``cutout``)."""
    if x.dim() != 4:
        raise ValueError(f"DiffAugment needs images (B, C, H, W). Got {tuple(x.shape)}")
    for op in policy:
        if op == "color":
            x = rand_color(x)
        elif op == "translation":
            x = rand_translation(x, translation)
        elif op == "cutout":
            x = rand_cutout(x, cutout)
        else:
            raise ValueError(f"unknown DiffAugment op {op!r}")
    return x
