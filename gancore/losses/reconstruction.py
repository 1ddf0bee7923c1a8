"""Supervised reconstruction terms added to the generator's loss: ``l1`` (pix2pix) and ``l2``."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..registry import Registry

RECONSTRUCTIONS: Registry[type] = Registry("reconstruction loss")


@dataclass(frozen=True)
class ReconstructionOptions:
    weight: float = 100.0  # pix2pix's lambda


@RECONSTRUCTIONS.register("l1")
class L1:
    """``weight * mean |output - target|``."""

    Options = ReconstructionOptions

    def __init__(self, options: ReconstructionOptions):
        self.weight = options.weight

    def __call__(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return self.weight * (output - target).abs().mean()


@RECONSTRUCTIONS.register("l2")
class L2:
    """``weight * mean (output - target)^2``."""

    Options = ReconstructionOptions

    def __init__(self, options: ReconstructionOptions):
        self.weight = options.weight

    def __call__(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return self.weight * (output - target).square().mean()
