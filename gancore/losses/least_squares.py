"""Least-squares GAN (Mao et al. 2017) with HyperGAN's ``labels: [a, b, c]``."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .base import LOSSES, Labels


@LOSSES.register("least_squares", "lsgan")
class LeastSquaresLoss:
    """D: ``((d_real - b)^2 + (d_fake - a)^2) / 2``; G: ``(d_fake - c)^2 / 2``, means over all elements.

    Defaults ``a=0, b=1, c=1`` (fake, real, and the value G wants D to output). With the label
    tricks a label ``l`` in the 0 (fake) .. 1 (real) convention becomes the target ``a + l * (b - a)``.
    """

    uses_labels = True

    @dataclass(frozen=True)
    class Options:
        labels: tuple[float, float, float] = (0.0, 1.0, 1.0)

    def __init__(self, options: Options):
        self.a, self.b, self.c = options.labels

    def d_loss(self, d_real: torch.Tensor, d_fake: torch.Tensor, labels: Labels | None = None) -> torch.Tensor:
        if labels is None:
            real_t, fake_t = self.b, self.a
        else:
            real_t = self.a + labels.real * (self.b - self.a)
            fake_t = self.a + labels.fake * (self.b - self.a)
        return 0.5 * ((d_real - real_t).square().mean() + (d_fake - fake_t).square().mean())

    def g_loss(self, d_real: torch.Tensor | None, d_fake: torch.Tensor) -> torch.Tensor:
        return 0.5 * (d_fake - self.c).square().mean()

    def separation(self, d_real: float, d_fake: float) -> float:
        """How far D tells real from fake: 0 not at all, 1 its outputs sit on the labels (D wins outright)."""
        return (d_real - d_fake) / (self.b - self.a) if self.b != self.a else 0.0
