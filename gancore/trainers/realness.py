"""Which way a loss's D output points: +1 if higher means "more real", -1 if lower does."""

from __future__ import annotations

import torch

from ..losses.base import per_sample


def realness_sign(loss) -> float:
    if getattr(loss, "autoencoder", False):
        return -1.0  # reconstruction energy: low for real
    if hasattr(loss, "a") and hasattr(loss, "b"):  # least squares: real label b, fake label a
        return 1.0 if loss.b >= loss.a else -1.0
    return float(getattr(loss, "sign", 1.0))


def realness(loss, d: torch.Tensor) -> torch.Tensor:
    """Per-sample realness score ``(B,)`` of D outputs ``(B, ...)``: higher = D finds it more real."""
    return realness_sign(loss) * per_sample(d)
