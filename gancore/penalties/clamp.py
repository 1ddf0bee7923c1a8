"""Weight clipping (the original WGAN; GAGA's ``clamp_penalty``): D's weights clamped after each step."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ..errors import ConfigError
from .base import PENALTIES, Penalty, PenaltyOptions


@dataclass(frozen=True)
class ClampOptions(PenaltyOptions):
    clamp_lower: float = -0.01
    clamp_upper: float = 0.01

    def __post_init__(self):
        super().__post_init__()
        if self.clamp_lower > self.clamp_upper:
            raise ConfigError("penalty.clamp_lower", f"must not exceed clamp_upper ({self.clamp_upper})")


@PENALTIES.register("clamp", "clamp_penalty", "weight_clipping")
class Clamp(Penalty):
    """Every parameter of D into ``[clamp_lower, clamp_upper]`` after D's optimiser step; no loss term."""

    Options = ClampOptions
    log_name = "clamp"

    def __init__(self, options: ClampOptions):
        super().__init__(options)
        self.lower, self.upper = options.clamp_lower, options.clamp_upper

    @torch.no_grad()
    def after_d_step(self, discriminator: nn.Module) -> None:
        for p in discriminator.parameters():
            p.clamp_(self.lower, self.upper)
