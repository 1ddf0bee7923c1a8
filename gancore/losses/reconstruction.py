"""Supervised reconstruction terms added to the generator's loss: ``l1`` (pix2pix), ``l2``, ``masked_l1``."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ..errors import ConfigError
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

    ``hole_scale`` s > 1 compares the hole on a low-passed picture instead: the mean of
    ``|avg_pool_s((out - target) * hole)|`` over the s x s blocks, which pins the fill's colours and
    layout at 1/s of the resolution and leaves the finer texture to the adversarial terms (an L1 on
    every hole pixel is what makes a large hole a blur: the mean of all plausible fills).
    A block mean is blind to any pattern that repeats every s pixels (a grid the adversary may
    reward): ``hole_pixel_weight`` adds a small L1 on every hole pixel beside it, which costs such a
    pattern its amplitude.
    """

    uses_mask = True

    @dataclass(frozen=True)
    class Options:
        hole_weight: float = 6.0
        known_weight: float = 1.0
        hole_scale: int = 1  # > 1: the hole term on s x s block means (a low-pass), see above
        hole_pixel_weight: float = 0.0  # with hole_scale > 1: also this x the per-pixel hole L1

        def __post_init__(self):
            if self.hole_scale < 1:
                raise ConfigError("reconstruction.hole_scale", f"must be 1 or more, got {self.hole_scale}")

    def __init__(self, options: Options):
        self.hole_weight, self.known_weight = options.hole_weight, options.known_weight
        self.hole_scale, self.hole_pixel_weight = options.hole_scale, options.hole_pixel_weight

    def __call__(
        self, output: torch.Tensor, target: torch.Tensor, raw: torch.Tensor, hole: torch.Tensor
    ) -> torch.Tensor:
        pixel_term = ((output - target).abs() * hole).mean()
        known_term = ((raw - target).abs() * (1 - hole)).mean()
        if self.hole_scale == 1:
            return self.hole_weight * pixel_term + self.known_weight * known_term
        block_term = F.avg_pool2d((output - target) * hole, self.hole_scale, ceil_mode=True).abs().mean()
        return self.hole_weight * block_term + self.hole_pixel_weight * pixel_term + self.known_weight * known_term
