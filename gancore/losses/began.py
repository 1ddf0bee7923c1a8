"""Boundary-equilibrium GAN (Berthelot et al. 2017): an autoencoder discriminator and a balance term k.

D reconstructs what it judges; its score for a sample is the L1 reconstruction energy
``L(x) = mean |x - D(x)|`` (``GAN.critic`` computes it because this loss sets ``autoencoder``), so
``d_real`` and ``d_fake`` arrive as energies ``(B,)``, low = "looks real".

    d_loss = mean L(real) - k * mean L(fake)
    g_loss = mean L(fake)
    k <- clamp(k + k_lambda * (gamma * mean L(real) - mean L(fake)), 0, 1)     after each D step
    measure M = mean L(real) + |gamma * mean L(real) - mean L(fake)|           (convergence)

k lives on the training device as a 0-dim tensor (no host sync), is logged as ``k`` (and M as
``began_measure``), and is saved in checkpoints through ``state_dict``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .base import LOSSES


@LOSSES.register("began", "boundary_equilibrium")
class BoundaryEquilibriumLoss:
    autoencoder = True

    @dataclass(frozen=True)
    class Options:
        gamma: float = 0.5  # diversity ratio E[L(fake)] / E[L(real)] at equilibrium
        k_lambda: float = 0.001  # learning rate of k
        initial_k: float = 0.0

    def __init__(self, options: Options):
        self.gamma, self.k_lambda = options.gamma, options.k_lambda
        self.k = torch.tensor(float(options.initial_k))
        self.measure = torch.tensor(0.0)

    def d_loss(self, d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
        self.k = self.k.to(d_real.device)
        return d_real.mean() - self.k * d_fake.mean()

    def g_loss(self, d_real: torch.Tensor | None, d_fake: torch.Tensor) -> torch.Tensor:
        return d_fake.mean()

    @torch.no_grad()
    def update(self, d_real: torch.Tensor, d_fake: torch.Tensor) -> None:
        """The proportional control of k, after each D step (energies of that step)."""
        real, fake = d_real.mean(), d_fake.mean()
        balance = self.gamma * real - fake
        self.k = (self.k.to(real.device) + self.k_lambda * balance).clamp(0.0, 1.0)
        self.measure = real + balance.abs()

    def logs(self) -> dict[str, torch.Tensor]:
        return {"k": self.k.detach(), "began_measure": self.measure.detach()}

    def state_dict(self) -> dict[str, torch.Tensor]:
        return {"k": self.k.detach().clone()}

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        if "k" in state:
            self.k = state["k"].clone()
