"""The fitness trainer: G trains only on the latent candidates D scores best.

Each iteration: one D step as usual; then for every condition in the batch, ``candidates``
latent vectors are drawn, D scores their samples (no gradients), and G steps on the best
candidate per condition only (conditions and targets stay aligned, so reconstruction terms
still apply). Needs a latent (``latent.dim > 0``).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..errors import ConfigError
from .base import TRAINERS
from .common import GANTrainer, Logs
from .optim import OptimOptions
from .realness import realness


@TRAINERS.register("fitness")
class FitnessTrainer(GANTrainer):
    @dataclass(frozen=True)
    class Options(OptimOptions):
        candidates: int = 4  # latent vectors scored per condition

        def __post_init__(self):
            super().__post_init__()
            if self.candidates < 1:
                raise ConfigError("trainer.candidates", f"must be at least 1, got {self.candidates}")

    def __init__(self, options: Options, gan, loss=None, penalties=None):
        super().__init__(options, gan, loss, penalties)
        if not gan.latent.dim:
            raise ConfigError("trainer.type", "the fitness trainer selects latent vectors: set latent.dim > 0")

    @torch.no_grad()
    def select_latents(self, condition: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The best of ``candidates`` latents per condition ``(B, dim)``, and its realness gain over a random pick."""
        gan, c, b = self.gan, self.o.candidates, condition.shape[0]
        z = gan.latent.sample(c * b, condition.device)  # (c*B, dim), candidate k of sample i at k*B + i
        cond = condition.repeat((c,) + (1,) * (condition.dim() - 1))
        fake = gan.generate(cond, latent=z)
        score = realness(self.loss, self.judge_one(cond, fake, "fake")).view(c, b)
        best = score.argmax(0)  # (B,)
        chosen = z.view(c, b, -1)[best, torch.arange(b, device=z.device)]
        return chosen, score.max(0).values.mean() - score.mean()

    def iterate(self, pair) -> Logs:
        logs = self.d_step(pair)
        z, gain = self.select_latents(pair.condition)
        logs.update(self.g_step(pair, latent=z))
        logs["fitness_gain"] = gain
        return logs
