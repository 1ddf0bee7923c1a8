"""The balanced trainer (HyperGAN): each iteration steps only the network that is behind.

D steps while it fails to tell real from fake by a margin, ``mean realness(real) -
mean realness(fake) < imbalance`` (realness: D's output, sign-flipped for losses where low means
real); otherwise G steps. With the default margin of 1 (logit units) D first learns to lead by
1, then G pulls the gap back under it, and so on. (HyperGAN's rule is ``imbalance: 0``.)
Deciding which network to step needs the gap on the host: this trainer makes one host sync per
iteration (``.item()``), by design. With several processes the gap is averaged over the ranks
first, so every rank steps the same network.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..engine.distributed import all_mean
from .base import TRAINERS
from .common import GANTrainer, Logs
from .optim import OptimOptions
from .realness import realness


@TRAINERS.register("balanced")
class BalancedTrainer(GANTrainer):
    @dataclass(frozen=True)
    class Options(OptimOptions):
        imbalance: float = 1.0  # D trains while its realness gap (real minus fake) is below this

    def iterate(self, pair) -> Logs:
        gan = self.gan
        with torch.no_grad():
            fake = gan.generate(pair.condition)
            d_real, d_fake = self.judge_pair(pair.condition, pair.target, fake)
            gap = realness(self.loss, d_real).mean() - realness(self.loss, d_fake).mean()
            gap = all_mean(gap.float())  # every rank decides alike (no-op in one process)
        train_d = gap.item() < self.o.imbalance  # the one host sync of this trainer
        logs = self.d_step(pair) if train_d else self.g_step(pair)
        logs["balance_gap"] = gap
        logs["balance_d_steps"] = torch.tensor(float(train_d), device=gap.device)
        return logs
