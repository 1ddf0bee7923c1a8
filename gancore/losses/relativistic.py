"""Relativistic average GAN (Jolicoeur-Martineau 2018): D judges whether real looks *more* real than fake.

With ``r = d_real - mean(d_fake)`` and ``f = d_fake - mean(d_real)`` (means over all elements),
each base loss is applied to the relative scores, and G plays the same game with the roles swapped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch
import torch.nn.functional as F

from .base import LOSSES, signed


def _pair(base: str, up: torch.Tensor, down: torch.Tensor) -> torch.Tensor:
    """The base loss of a player who wants ``up`` high and ``down`` low."""
    if base == "standard":
        return F.softplus(-up).mean() + F.softplus(down).mean()
    if base == "least_squares":
        return (up - 1).square().mean() + (down + 1).square().mean()
    if base == "hinge":
        return F.relu(1 - up).mean() + F.relu(1 + down).mean()
    return down.mean() - up.mean()  # wasserstein


@LOSSES.register("ragan", "relativistic_average")
class RelativisticAverageLoss:
    """D: ``base(up=r, down=f)``; G: ``base(up=f, down=r)``.

    ``base`` is one of standard, least_squares, hinge, wasserstein; ``reverse`` negates D's outputs.
    """

    g_uses_real = True

    @dataclass(frozen=True)
    class Options:
        base: Literal["standard", "least_squares", "hinge", "wasserstein"] = "standard"
        reverse: bool = False

    def __init__(self, options: Options):
        self.base = options.base
        self.sign = signed(options.reverse)

    def _relative(self, d_real: torch.Tensor, d_fake: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        d_real, d_fake = self.sign * d_real, self.sign * d_fake
        return d_real - d_fake.mean(), d_fake - d_real.mean()

    def d_loss(self, d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
        r, f = self._relative(d_real, d_fake)
        return _pair(self.base, r, f)

    def g_loss(self, d_real: torch.Tensor | None, d_fake: torch.Tensor) -> torch.Tensor:
        assert d_real is not None, "ragan's generator loss needs d_real"
        r, f = self._relative(d_real, d_fake)
        return _pair(self.base, f, r)
