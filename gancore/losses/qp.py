"""Quadratic-potential divergence (Su 2018, arXiv 1811.07296) as HyperGAN's ``qp`` loss."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .base import LOSSES, per_sample, signed


@LOSSES.register("qp")
class QPLoss:
    """With per-sample scores ``dl = d_real - d_fake`` and ``dist = mean |real - fake|`` (per sample):

    D: ``mean(-dl + dl^2 / (2 * lam * dist))``; G: ``mean(dl)``. HyperGAN's constant: ``lam = 10``.
    The quadratic term is the Lipschitz constraint, so qp needs no gradient penalty.
    """

    g_uses_real = True
    uses_samples = True

    @dataclass(frozen=True)
    class Options:
        lam: float = 10.0
        reverse: bool = False

    def __init__(self, options: Options):
        self.lam = options.lam
        self.sign = signed(options.reverse)

    def d_loss(
        self,
        d_real: torch.Tensor,
        d_fake: torch.Tensor,
        real: torch.Tensor | None = None,
        fake: torch.Tensor | None = None,
    ) -> torch.Tensor:
        assert real is not None and fake is not None, "qp's discriminator loss needs the real and fake samples"
        dl = self.sign * (per_sample(d_real) - per_sample(d_fake))
        dist = (real - fake).abs().reshape(real.shape[0], -1).mean(1) + 1e-8
        return (-dl + dl.square() / (2 * self.lam * dist)).mean()

    def g_loss(self, d_real: torch.Tensor | None, d_fake: torch.Tensor) -> torch.Tensor:
        assert d_real is not None, "qp's generator loss needs d_real"
        return self.sign * (d_real.mean() - d_fake.mean())
