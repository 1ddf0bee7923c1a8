"""The ``toy2d`` task: unconditional generation of 2-D points, so the image apps' losses, penalties,
tricks and trainers run unchanged on the 2-D benchmark.

condition: empty ``(B, 0)``; target: the points ``(B, 2)``; D judges the points. The generator
starts from ``latent`` (``"input": "latent"``); networks are MLPs in the layer DSL (``linear``, ``relu``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch

from ..errors import UserError
from ..tasks import TASKS, Pair
from .datasets import make_toy


@TASKS.register("toy2d")
class Toy2DTask:
    name = "toy2d"

    @dataclass(frozen=True)
    class Options:
        dataset: Literal["ring", "grid", "circle", "spiral"] = "ring"
        sigma: float | None = None  # the data's noise; null: the dataset's default (0.05)

    def __init__(self, options: Options | None = None):
        self.options = options or self.Options()
        self.toy = make_toy(self.options.dataset, self.options.sigma)

    def shapes(self, size: int) -> dict[str, tuple[int, ...]]:
        return {"condition": (0,), "target": (2,), "judged": (2,)}

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """A real batch: ``n`` points ``(n, 2)`` of the dataset."""
        return self.toy.sample(n, generator)

    def condition(self, real: torch.Tensor) -> Pair:
        return Pair(condition=real.new_zeros(real.shape[0], 0), target=real)

    def judged(self, condition: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        return image

    def to_rgb(self, condition: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        raise UserError("the toy2d task has no image samples; python -m gancore.toy2d draws its plots")

    def condition_rgb(self, condition: torch.Tensor) -> torch.Tensor:
        raise UserError("the toy2d task has no image samples; python -m gancore.toy2d draws its plots")
