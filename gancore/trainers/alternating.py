"""The alternating trainer: D steps, then G steps, each network with its own Adam.

Phases are data, not branches: ``(name, steps)`` in ``self.phases``. Seed defaults: Adam
lr 2e-4, beta1 0.5 (DCGAN). HyperGAN's option names (``g_learn_rate``, ``d_beta1``, ...) and
GAGA's (``d_nb_update``, ``d_learning_rate``, ...) are accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..config.fields import alias
from .base import TRAINERS, adam


@TRAINERS.register("alternating")
class AlternatingTrainer:
    @dataclass(frozen=True)
    class Options:
        g_learn_rate: float = alias("g_learning_rate", default=2e-4)
        g_beta1: float = 0.5
        g_beta2: float = 0.999
        g_epsilon: float = 1e-8
        d_learn_rate: float = alias("d_learning_rate", default=2e-4)
        d_beta1: float = 0.5
        d_beta2: float = 0.999
        d_epsilon: float = 1e-8
        d_nb_update: int = 1  # D steps per iteration (GAGA)
        g_nb_update: int = 1  # G steps per iteration (GAGA)
        clipped_gradients: float | None = None  # clip each network's gradient norm to this
        d_clipped_weights: float | None = None  # clamp D's weights to [-v, v] after its step (WGAN)

    def __init__(self, options: Options, gan):
        self.o = options
        self.gan = gan
        o = options
        self.g_opt = adam(gan.generator.parameters(), o.g_learn_rate, o.g_beta1, o.g_beta2, o.g_epsilon)
        self.d_opt = adam(gan.discriminator.parameters(), o.d_learn_rate, o.d_beta1, o.d_beta2, o.d_epsilon)
        self.phases = (("d", o.d_nb_update), ("g", o.g_nb_update))

    def step(self, real: torch.Tensor) -> dict[str, torch.Tensor]:
        """One iteration on a real batch ``(B, 3, H, W)`` in [-1, 1]; returns detached scalars."""
        pair = self.gan.task.condition(real)
        logs: dict[str, torch.Tensor] = {}
        for phase, repeats in self.phases:
            for _ in range(repeats):
                logs.update(self.d_step(pair) if phase == "d" else self.g_step(pair))
        return logs

    def d_step(self, pair) -> dict[str, torch.Tensor]:
        gan = self.gan
        with torch.no_grad():
            fake = gan.generate(pair.condition)
        gan.discriminator.requires_grad_(True)
        d_real = gan.judge(pair.condition, pair.target)
        d_fake = gan.judge(pair.condition, fake)
        loss = gan.loss.d_loss(d_real, d_fake)
        self.d_opt.zero_grad(set_to_none=True)
        loss.backward()
        self._clip(gan.discriminator)
        self.d_opt.step()
        if self.o.d_clipped_weights is not None:
            with torch.no_grad():
                for p in gan.discriminator.parameters():
                    p.clamp_(-self.o.d_clipped_weights, self.o.d_clipped_weights)
        return {"d_loss": loss.detach(), "d_real": d_real.detach().mean(), "d_fake": d_fake.detach().mean()}

    def g_step(self, pair) -> dict[str, torch.Tensor]:
        gan = self.gan
        gan.discriminator.requires_grad_(False)  # G's step computes no gradients for D
        fake = gan.generate(pair.condition)
        d_fake = gan.judge(pair.condition, fake)
        # relativistic losses compare with D(real); the others skip that forward pass
        d_real = gan.judge(pair.condition, pair.target) if getattr(gan.loss, "g_uses_real", False) else None
        adversarial = gan.loss.g_loss(d_real, d_fake)
        loss = adversarial
        logs = {"g_adv": adversarial.detach()}
        if gan.reconstruction is not None:
            rec = gan.reconstruction(fake, pair.target)
            loss = loss + rec
            logs["g_rec"] = rec.detach()
        self.g_opt.zero_grad(set_to_none=True)
        loss.backward()
        self._clip(gan.generator)
        self.g_opt.step()
        gan.discriminator.requires_grad_(True)
        logs["g_loss"] = loss.detach()
        return logs

    def _clip(self, net: torch.nn.Module) -> None:
        if self.o.clipped_gradients is not None:
            torch.nn.utils.clip_grad_norm_(net.parameters(), self.o.clipped_gradients)

    def optimizers(self) -> dict[str, torch.optim.Optimizer]:
        """Named optimizers, for checkpoints."""
        return {"g": self.g_opt, "d": self.d_opt}
