"""The trainer registry and optimizer construction shared by trainers."""

from __future__ import annotations

import torch

from ..registry import Registry

TRAINERS: Registry[type] = Registry("trainer")


def adam(params, lr: float, beta1: float, beta2: float, eps: float) -> torch.optim.Adam:
    """Adam over the parameters that require gradients (``trainable=false`` layers are left out)."""
    return torch.optim.Adam([p for p in params if p.requires_grad], lr=lr, betas=(beta1, beta2), eps=eps)
