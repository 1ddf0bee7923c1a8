"""Cross-entropy GAN losses (Goodfellow et al. 2014): ``standard`` (non-saturating G), ``minimax``, ``logistic``."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .base import LOSSES, Labels, signed


@LOSSES.register("standard", "non_saturating")
class StandardLoss:
    """D: ``-log sigmoid(d_real) - log(1 - sigmoid(d_fake))``; G: ``-log sigmoid(d_fake)``.

    ``label_smooth`` is one-sided smoothing: real targets become ``1 - label_smooth``. With the
    label tricks, ``labels`` replaces the targets (soft targets in binary cross-entropy).
    ``reverse`` negates D's outputs (D then scores fakes high).
    """

    uses_labels = True

    @dataclass(frozen=True)
    class Options:
        label_smooth: float = 0.0
        reverse: bool = False

    def __init__(self, options: Options):
        self.real_label = 1.0 - options.label_smooth
        self.sign = signed(options.reverse)

    def d_loss(self, d_real: torch.Tensor, d_fake: torch.Tensor, labels: Labels | None = None) -> torch.Tensor:
        d_real, d_fake = self.sign * d_real, self.sign * d_fake
        if labels is None:
            real_t, fake_t = torch.full_like(d_real, self.real_label), torch.zeros_like(d_fake)
        else:
            real_t, fake_t = labels.real.expand_as(d_real), labels.fake.expand_as(d_fake)
        return F.binary_cross_entropy_with_logits(d_real, real_t) + F.binary_cross_entropy_with_logits(d_fake, fake_t)

    def g_loss(self, d_real: torch.Tensor | None, d_fake: torch.Tensor) -> torch.Tensor:
        return F.softplus(-self.sign * d_fake).mean()

    def separation(self, d_real: float, d_fake: float) -> float:
        """How far D tells real from fake (its mean outputs as probabilities): 1 = D wins outright."""
        return float(torch.sigmoid(torch.tensor(self.sign * d_real)) - torch.sigmoid(torch.tensor(self.sign * d_fake)))


@LOSSES.register("minimax")
class MinimaxLoss(StandardLoss):
    """The original saturating game: D as ``standard``; G minimises ``log(1 - sigmoid(d_fake))``."""

    def g_loss(self, d_real: torch.Tensor | None, d_fake: torch.Tensor) -> torch.Tensor:
        return -F.softplus(self.sign * d_fake).mean()


@LOSSES.register("logistic")
class LogisticLoss:
    """HyperGAN's logistic loss: D ``softplus(-d_real) + softplus(d_fake)``; G ``softplus(-d_fake)``.

    The same game as ``standard`` written with softplus, without label options.
    """

    @dataclass(frozen=True)
    class Options:
        reverse: bool = False

    def __init__(self, options: Options):
        self.sign = signed(options.reverse)

    def d_loss(self, d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
        return F.softplus(-self.sign * d_real).mean() + F.softplus(self.sign * d_fake).mean()

    def g_loss(self, d_real: torch.Tensor | None, d_fake: torch.Tensor) -> torch.Tensor:
        return F.softplus(-self.sign * d_fake).mean()
