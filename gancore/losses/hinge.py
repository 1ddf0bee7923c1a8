"""The hinge loss (Lim & Ye 2017; SAGAN, BigGAN)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .base import LOSSES, signed


@LOSSES.register("hinge")
class HingeLoss:
    """D: ``mean relu(1 - d_real) + mean relu(1 + d_fake)``; G: ``-mean(d_fake)``.

    ``reverse`` negates D's outputs.
    """

    @dataclass(frozen=True)
    class Options:
        reverse: bool = False

    def __init__(self, options: Options):
        self.sign = signed(options.reverse)

    def d_loss(self, d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
        return F.relu(1 - self.sign * d_real).mean() + F.relu(1 + self.sign * d_fake).mean()

    def g_loss(self, d_real: torch.Tensor | None, d_fake: torch.Tensor) -> torch.Tensor:
        return -(self.sign * d_fake).mean()

    def separation(self, d_real: float, d_fake: float) -> float:
        """How far D tells real from fake: 1 when both margins hold (real >= 1, fake <= -1: D wins outright)."""
        return min(1.0, self.sign * (d_real - d_fake) / 2.0)
