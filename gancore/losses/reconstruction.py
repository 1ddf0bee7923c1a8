"""Supervised reconstruction terms added to the generator's loss: ``l1`` (pix2pix), ``l2``, ``masked_l1``."""

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


@RECONSTRUCTIONS.register("masked_l1")
class MaskedL1:
    """Inpainting's L1 with separate weights inside the hole and on the known pixels.

    ``hole_weight * mean(|out - target| * hole) + known_weight * mean(|raw - target| * (1 - hole))``:
    ``hole`` ``(B, 1, H, W)`` is 1 where pixels are missing (from the task's ``hole(condition)``);
    the known term reads G's *raw* output, since the composite copies the known pixels anyway.
    Means are over all pixels (LaMa/DeepFill style), so a weight scales the region's share.
    """

    uses_mask = True

    @dataclass(frozen=True)
    class Options:
        hole_weight: float = 6.0
        known_weight: float = 1.0

    def __init__(self, options: Options):
        self.hole_weight, self.known_weight = options.hole_weight, options.known_weight

    def __call__(
        self, output: torch.Tensor, target: torch.Tensor, raw: torch.Tensor, hole: torch.Tensor
    ) -> torch.Tensor:
        hole_term = ((output - target).abs() * hole).mean()
        known_term = ((raw - target).abs() * (1 - hole)).mean()
        return self.hole_weight * hole_term + self.known_weight * known_term
