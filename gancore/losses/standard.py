"""The standard GAN loss with the non-saturating generator objective (Goodfellow et al. 2014)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .base import LOSSES


@LOSSES.register("standard")
class StandardLoss:
    """D: ``-log sigmoid(d_real) - log(1 - sigmoid(d_fake))``; G: ``-log sigmoid(d_fake)``.

    ``label_smooth`` is one-sided smoothing: real targets become ``1 - label_smooth``.
    """

    @dataclass(frozen=True)
    class Options:
        label_smooth: float = 0.0

    def __init__(self, options: Options):
        self.real_label = 1.0 - options.label_smooth

    def d_loss(self, d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
        real = F.binary_cross_entropy_with_logits(d_real, torch.full_like(d_real, self.real_label))
        fake = F.binary_cross_entropy_with_logits(d_fake, torch.zeros_like(d_fake))
        return real + fake

    def g_loss(self, d_real: torch.Tensor | None, d_fake: torch.Tensor) -> torch.Tensor:
        return F.binary_cross_entropy_with_logits(d_fake, torch.ones_like(d_fake))
