"""Gradient penalties on D's input gradient (GAGA's set, after Gulrajani 2017, Petzka 2018, Thanh-Tung 2019).

With ``x = alpha * real + (1 - alpha) * fake`` (``alpha ~ U(0, 1)`` per sample) and
``n = ||grad_x D(x)||`` in the chosen norm (over all non-batch elements):

| form            | per-sample term         | GAGA name                             |
|-----------------|-------------------------|---------------------------------------|
| least_squares   | ``(n - target)^2``      | GP_L1_LS, GP_L2_LS (gradient_penalty), GP_Linf_LS |
| hinge           | ``relu(n - target)``    | GP_L1_Hinge, GP_L2_Hinge, GP_Linf_Hinge |
| squared_hinge   | ``relu(n - target)^2``  | gradient_penalty_max, GP_SquareHinge  |

``zero_centered`` (0-GP, GP_0GP) is least_squares with ``target = 0``: ``||grad||_2^2``.
The penalty is the mean of the per-sample term, times ``weight``.

Under autocast (bf16) D's forward runs in bf16 like the rest of the step, but the penalty's
input ``x``, ``grad_x`` and the norms are fp32: ``input_gradient`` differentiates D's output cast
to fp32 with autocast off, and the norms are taken in fp32 (a bf16 sum of squares over a whole
image would keep 8 bits of mantissa).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch
import torch.nn.functional as F

from .base import PENALTIES, CriticInputs, Penalty, PenaltyOptions

Norm = Literal["l1", "l2", "linf"]
Form = Literal["least_squares", "hinge", "squared_hinge"]


def interpolate(real: torch.Tensor, fake: torch.Tensor, alpha: torch.Tensor | None = None) -> torch.Tensor:
    """Random points on the segments real -> fake ``(B, ...)``, at least fp32, detached and requiring a gradient."""
    dtype = torch.promote_types(torch.promote_types(real.dtype, fake.dtype), torch.float32)
    real, fake = real.detach().to(dtype), fake.detach().to(dtype)  # a bf16 fake (autocast) joins in fp32
    if alpha is None:
        alpha = torch.rand((real.shape[0],) + (1,) * (real.dim() - 1), device=real.device, dtype=dtype)
    return (alpha * real + (1 - alpha) * fake).requires_grad_(True)


def input_gradient(critic, x: torch.Tensor) -> torch.Tensor:
    """``grad_x sum(critic(x))`` ``(B, ...)`` with the graph kept, so the penalty itself can be backpropagated.

    Under autocast the critic's forward stays in the autocast dtype; its output is summed in fp32
    and differentiated with autocast off, so the gradient has ``x``'s dtype (fp32).
    """
    out = critic(x)
    with torch.autocast(x.device.type, enabled=False):
        (grad,) = torch.autograd.grad(out.float().sum(), x, create_graph=True)
    return grad.float()


def gradient_norm(grad: torch.Tensor, norm: str) -> torch.Tensor:
    """Per-sample norm of ``grad`` ``(B, ...)`` -> ``(B,)``."""
    g = grad.reshape(grad.shape[0], -1)
    if norm == "l1":
        return g.abs().sum(1)
    if norm == "linf":
        return g.abs().amax(1)
    return g.square().sum(1).clamp_min(1e-12).sqrt()


def penalty_term(grad: torch.Tensor, norm: str, form: str, target: float) -> torch.Tensor:
    """The mean over the batch of the per-sample term of ``form`` (in fp32, autocast or not)."""
    with torch.autocast(grad.device.type, enabled=False):
        return _penalty_term(grad.float(), norm, form, target)


def _penalty_term(grad: torch.Tensor, norm: str, form: str, target: float) -> torch.Tensor:
    if norm == "l2" and target == 0 and form != "hinge":
        n2 = grad.reshape(grad.shape[0], -1).square().sum(1)  # ||g||^2 without the sqrt (smooth at 0)
        return n2.mean()
    n = gradient_norm(grad, norm)
    if form == "least_squares":
        return (n - target).square().mean()
    if form == "hinge":
        return F.relu(n - target).mean()
    return F.relu(n - target).square().mean()


@dataclass(frozen=True)
class GradientPenaltyOptions(PenaltyOptions):
    norm: Norm = "l2"
    form: Form = "least_squares"
    target: float = 1.0  # the wanted gradient norm (0 for zero-centred)


@PENALTIES.register("gradient_penalty", "GP_L2_LS", "wgan_gp")
class GradientPenalty(Penalty):
    """WGAN-GP's two-sided penalty by default; ``norm`` and ``form`` pick any row of the table above."""

    Options = GradientPenaltyOptions
    log_name = "gp"

    def __init__(self, options: GradientPenaltyOptions):
        super().__init__(options)
        self.norm, self.form, self.target = options.norm, options.form, options.target

    def value(self, inputs: CriticInputs) -> torch.Tensor:
        x = interpolate(inputs.real, inputs.fake)
        return penalty_term(input_gradient(inputs.critic, x), self.norm, self.form, self.target)


def _variant(name: str, *aliases: str, **defaults) -> None:
    """Register ``name`` as the gradient penalty with other defaults (``norm``, ``form``, ``target``)."""
    fields = {k: (type(v), v) for k, v in defaults.items()}
    annotations = {"norm": Norm, "form": Form, "target": float}
    ns = {"__annotations__": {k: annotations[k] for k in fields}, **{k: v for k, (_, v) in fields.items()}}
    options = dataclass(frozen=True)(type(f"{name}_Options", (GradientPenaltyOptions,), ns))
    PENALTIES.register(name, *aliases)(type(f"GP_{name}", (GradientPenalty,), {"Options": options}))


_variant("GP_L1_LS", norm="l1")
_variant("GP_Linf_LS", norm="linf")
_variant("gradient_penalty_hinge", "GP_L2_Hinge", form="hinge")
_variant("GP_L1_Hinge", "gradient_penalty_linf_hinge", norm="l1", form="hinge")  # GAGA: L-inf margin = L1 grad
_variant("GP_Linf_Hinge", norm="linf", form="hinge")
_variant("gradient_penalty_max", "GP_SquareHinge", form="squared_hinge")
_variant("zero_centered", "0gp", "GP_0GP", "gradient_penalty_centered", target=0.0)
