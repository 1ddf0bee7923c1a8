"""R1 and R2 (Mescheder et al. 2018): zero-centred gradient penalties on real or on fake samples.

    R1 = weight * 0.5 * mean ||grad_x D(x)||^2,  x = real samples
    R2 = weight * 0.5 * mean ||grad_x D(x)||^2,  x = generated samples

``weight`` is the paper's gamma. Lazy R1 (StyleGAN2): ``"interval": 16``. Under autocast the
samples, their input gradient and its norm are fp32 (see ``gradient.py``).
"""

from __future__ import annotations

import torch

from .base import PENALTIES, CriticInputs, Penalty
from .gradient import input_gradient


def half_squared_gradient(critic, x: torch.Tensor) -> torch.Tensor:
    """``0.5 * mean ||grad_x critic(x)||_2^2`` over the batch, in fp32 (``x``: ``(B, ...)``, any float dtype)."""
    x = x.detach()
    grad = input_gradient(critic, x.to(torch.promote_types(x.dtype, torch.float32)).requires_grad_(True))
    with torch.autocast(grad.device.type, enabled=False):
        return 0.5 * grad.reshape(grad.shape[0], -1).square().sum(1).mean()


@PENALTIES.register("r1")
class R1(Penalty):
    log_name = "r1"

    def value(self, inputs: CriticInputs) -> torch.Tensor:
        return half_squared_gradient(inputs.critic, inputs.real)


@PENALTIES.register("r2")
class R2(Penalty):
    log_name = "r2"

    def value(self, inputs: CriticInputs) -> torch.Tensor:
        return half_squared_gradient(inputs.critic, inputs.fake)
