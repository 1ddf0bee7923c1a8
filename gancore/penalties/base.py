"""The penalty interface and its registry: terms added to D's loss, or constraints applied after D's step.

    "penalty": {"type": "gradient_penalty", "weight": 10}                  one penalty
    "penalty": [{"type": "r1", "weight": 10, "interval": 16}, "clamp"]     several (a list)

Every penalty has a ``weight`` and an ``interval``: it is applied on every ``interval``-th D step
only, scaled by ``interval`` (lazy regularisation, StyleGAN2), so its average strength is unchanged.
GAGA's ``penalty_weight`` is accepted for ``weight``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from ..errors import ConfigError
from ..options import alias
from ..registry import Registry

PENALTIES: Registry[type] = Registry("penalty")


@dataclass(frozen=True)
class CriticInputs:
    """What a penalty may evaluate during a D step.

    ``critic(x)`` is D's output for target-shaped samples ``x`` ``(B, ...)`` (the task's condition
    already bound); ``real`` and ``fake`` are that step's samples, detached.
    """

    critic: Callable[[torch.Tensor], torch.Tensor]
    real: torch.Tensor
    fake: torch.Tensor


@dataclass(frozen=True)
class PenaltyOptions:
    weight: float = alias("penalty_weight", "lambda", default=10.0)
    interval: int = 1  # apply every N D steps, scaled by N (lazy regularisation)

    def __post_init__(self):
        if self.interval < 1:
            raise ConfigError("penalty.interval", f"must be at least 1, got {self.interval}")


class Penalty:
    """Base class: no loss term and no constraint. Subclasses override ``value`` or ``after_d_step``."""

    Options = PenaltyOptions
    log_name = "penalty"

    def __init__(self, options: PenaltyOptions):
        self.weight = options.weight
        self.interval = options.interval

    def active(self, d_step: int) -> bool:
        """Whether the D step numbered ``d_step`` (0-based) applies this penalty."""
        return d_step % self.interval == 0

    def value(self, inputs: CriticInputs) -> torch.Tensor | None:
        """The unweighted penalty (a scalar), or None for a penalty that adds no loss term."""
        return None

    def loss(self, inputs: CriticInputs) -> torch.Tensor | None:
        """``weight * interval * value``: what the D step adds to its loss when active."""
        v = self.value(inputs)
        return None if v is None else self.weight * self.interval * v

    def after_d_step(self, discriminator: nn.Module) -> None:
        """A constraint applied to D's weights after its optimiser step (when active)."""


@PENALTIES.register("none", "zero_penalty")
class NoPenalty(Penalty):
    """No penalty. GAGA's ``zero_penalty`` is this one (for the zero-centred gradient penalty see ``zero_centered``)."""
