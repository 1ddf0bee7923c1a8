"""Consensus optimisation (Mescheder, Nowozin & Geiger 2017, "The Numerics of GANs").

With the joint gradient field ``v = (grad_D d_loss, grad_G g_loss)`` and ``L = 0.5 * ||v||^2``,
both networks step along ``v + gamma * grad L`` (their own parts of it), simultaneously. The
``grad L`` term damps the rotation that makes plain simultaneous descent circle around the
equilibrium. It needs second derivatives (double backward) of both losses.

The paper's ``gamma = 10`` goes with RMSProp at lr 1e-4; with Adam at the 2-D benchmark's rates it
drives D to a flat function (no gradient, no learning), hence the default of 1.

With several processes each rank takes ``grad L`` of its own ``v`` and the sums are averaged (in
``apply_gradients``): an estimate of the consensus term of the joint batch, not the same number.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .base import TRAINERS
from .common import GANTrainer, Logs
from .optim import OptimOptions
from .simultaneous import apply_gradients, trainable


@TRAINERS.register("consensus")
class ConsensusTrainer(GANTrainer):
    @dataclass(frozen=True)
    class Options(OptimOptions):
        gamma: float = 1.0  # weight of the consensus term grad(0.5 ||v||^2)

    def iterate(self, pair) -> Logs:
        gan = self.gan
        d_params, g_params = trainable(gan.discriminator), trainable(gan.generator)
        fake = gan.generate(pair.condition)
        d_total, logs, (d_real, d_fake) = self.d_objective(pair, fake)
        g_total, g_logs = self.g_objective(pair, fake)
        d_grads = torch.autograd.grad(d_total, d_params, create_graph=True, retain_graph=True, allow_unused=True)
        g_grads = torch.autograd.grad(g_total, g_params, create_graph=True, retain_graph=True, allow_unused=True)
        v = [g for g in (*d_grads, *g_grads) if g is not None]
        reg = 0.5 * sum(g.square().sum() for g in v)
        reg_grads = torch.autograd.grad(reg, d_params + g_params, allow_unused=True)
        gamma = self.o.gamma

        def combine(grads, extra):
            return [
                None if g is None and r is None else (0 if g is None else g.detach()) + gamma * (0 if r is None else r)
                for g, r in zip(grads, extra)
            ]

        apply_gradients(self, self.d_opt, d_params, combine(d_grads, reg_grads[: len(d_params)]))
        apply_gradients(self, self.g_opt, g_params, combine(g_grads, reg_grads[len(d_params) :]))
        self.after_d_update(d_real, d_fake, logs)
        self.after_g_update()
        return {**logs, **g_logs, "consensus_reg": reg.detach()}
