"""Wasserstein GAN (Arjovsky et al. 2017): a critic instead of a classifier.

Pair it with a Lipschitz constraint: ``"penalty": {"type": "gradient_penalty"}`` (WGAN-GP) or
``clamp`` (weight clipping, the original WGAN).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .base import LOSSES, signed


@LOSSES.register("wasserstein", "wgan")
class WassersteinLoss:
    """D: ``mean(d_fake) - mean(d_real)``; G: ``-mean(d_fake)``.

    ``reverse`` is the seed's '-' sign: D ``mean(d_real) - mean(d_fake)``, G ``mean(d_fake)``.
    """

    @dataclass(frozen=True)
    class Options:
        reverse: bool = False

    def __init__(self, options: Options):
        self.sign = signed(options.reverse)

    def d_loss(self, d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
        return self.sign * (d_fake.mean() - d_real.mean())

    def g_loss(self, d_real: torch.Tensor | None, d_fake: torch.Tensor) -> torch.Tensor:
        return -self.sign * d_fake.mean()
