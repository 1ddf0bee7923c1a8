"""f-GAN losses (Nowozin et al. 2016) as HyperGAN writes them: one per f-divergence.

D's raw output ``v`` goes through the divergence's output activation ``t = g_f(v)``; with the
Fenchel conjugate ``f*``:

    d_loss = -mean g_f(d_real) + mean f*(g_f(d_fake))
    g_loss = -mean f*(g_f(d_fake))          ("standard", HyperGAN's default)
             -mean g_f(d_fake)              ("alternative", Nowozin's non-saturating form)

| divergence        | g_f(v)              | f*(t)            |
|-------------------|---------------------|------------------|
| kl                | v                   | exp(t - 1)       |
| reverse_kl        | -exp(-v)            | -1 - log(-t)     |
| js                | log 2 - softplus(-v)| -log(2 - exp(t)) |
| pearson           | v                   | t^2 / 4 + t      |
| squared_hellinger | 1 - exp(-v)         | t / (1 - t)      |
| total_variation   | tanh(v) / 2         | t                |

``f*(g_f(v))`` is computed in a closed form that cannot overflow where one exists (js:
``softplus(v) - log 2``; reverse_kl: ``v - 1``; squared_hellinger: ``exp(v) - 1``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import torch
import torch.nn.functional as F

from .base import LOSSES

Divergence = Literal["kl", "reverse_kl", "js", "pearson", "squared_hellinger", "total_variation"]


def activation(divergence: str, v: torch.Tensor) -> torch.Tensor:
    """``g_f(v)``: D's output mapped into the domain of the conjugate."""
    if divergence in ("kl", "pearson"):
        return v
    if divergence == "reverse_kl":
        return -torch.exp(-v)
    if divergence == "js":
        return math.log(2.0) - F.softplus(-v)
    if divergence == "squared_hellinger":
        return 1 - torch.exp(-v)
    if divergence == "total_variation":
        return 0.5 * torch.tanh(v)
    raise ValueError(divergence)


def conjugate_of_activation(divergence: str, v: torch.Tensor) -> torch.Tensor:
    """``f*(g_f(v))``."""
    if divergence == "kl":
        return torch.exp(v - 1)
    if divergence == "reverse_kl":
        return v - 1  # -1 - log(exp(-v))
    if divergence == "js":
        return F.softplus(v) - math.log(2.0)  # -log(2 - 2 sigmoid(v))
    if divergence == "pearson":
        return 0.25 * v.square() + v
    if divergence == "squared_hellinger":
        return torch.exp(v) - 1  # t / (1 - t) with t = 1 - exp(-v)
    if divergence == "total_variation":
        return 0.5 * torch.tanh(v)
    raise ValueError(divergence)


@dataclass(frozen=True)
class FDivergenceOptions:
    divergence: Divergence = "js"
    g_loss_type: Literal["standard", "alternative"] = "standard"


@LOSSES.register("f_divergence")
class FDivergenceLoss:
    """Any f-divergence by name: ``{"type": "f_divergence", "divergence": "pearson"}``."""

    Options = FDivergenceOptions

    def __init__(self, options: FDivergenceOptions):
        self.divergence = options.divergence
        self.g_type = options.g_loss_type

    def d_loss(self, d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
        return -activation(self.divergence, d_real).mean() + conjugate_of_activation(self.divergence, d_fake).mean()

    def g_loss(self, d_real: torch.Tensor | None, d_fake: torch.Tensor) -> torch.Tensor:
        if self.g_type == "alternative":
            return -activation(self.divergence, d_fake).mean()
        return -conjugate_of_activation(self.divergence, d_fake).mean()


def _named(name: str) -> None:
    """Register ``name`` as the f-divergence loss with that divergence by default."""

    @dataclass(frozen=True)
    class Options(FDivergenceOptions):
        divergence: Divergence = name  # type: ignore[assignment]

    LOSSES.register(name)(type(f"FDivergence_{name}", (FDivergenceLoss,), {"Options": Options, "__doc__": name}))


for _name in ("kl", "reverse_kl", "js", "pearson", "squared_hellinger", "total_variation"):
    _named(_name)
