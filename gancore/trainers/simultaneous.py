"""The simultaneous trainer: D and G both step from gradients taken at the same point.

Alternating updates let G answer a D that has already moved; here both gradients are computed
before either network changes (simultaneous gradient descent), then each optimiser steps.
"""

from __future__ import annotations

import torch

from ..engine.speed import fp32
from .base import TRAINERS
from .common import GANTrainer, Logs


def trainable(net: torch.nn.Module) -> list[torch.nn.Parameter]:
    return [p for p in net.parameters() if p.requires_grad]


def apply_gradients(trainer: GANTrainer, opt, params, grads) -> None:
    """Set ``.grad`` (zeros where unused), average over ranks and clip, step (outside autocast)."""
    for p, g in zip(params, grads):
        p.grad = torch.zeros_like(p) if g is None else g.detach()
    with fp32(params[0].device.type if params else "cpu"):
        trainer.finish_gradients(params)
        opt.step()
    opt.zero_grad(set_to_none=True)


@TRAINERS.register("simultaneous")
class SimultaneousTrainer(GANTrainer):
    def iterate(self, pair) -> Logs:
        gan = self.gan
        d_params, g_params = trainable(gan.discriminator), trainable(gan.generator)
        raw = gan.generate_raw(pair.condition)  # with grad: both losses are taken at this point
        fake = gan.compose(pair.condition, raw)
        d_total, logs, (d_real, d_fake) = self.d_objective(pair, fake)
        g_total, g_logs = self.g_objective(pair, fake, raw)
        d_grads = torch.autograd.grad(d_total, d_params, retain_graph=True, allow_unused=True)
        g_grads = torch.autograd.grad(g_total, g_params, allow_unused=True)
        apply_gradients(self, self.d_opt, d_params, d_grads)
        apply_gradients(self, self.g_opt, g_params, g_grads)
        self.after_d_update(d_real, d_fake, logs)
        self.after_g_update()
        return {**logs, **g_logs}
