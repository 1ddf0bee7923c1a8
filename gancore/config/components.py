"""The configs of registry components (``{"type": ..., ...options}``): task, loss, reconstruction,
trainer, latent, sampler and penalties. Each picks its registry; the schema (schema.py) and the
curriculum trainer's stages (which nest trainer, loss and penalty configs) both build them.

The registries are imported from their own modules, never from a package that imports its
components: ``gancore.trainers`` imports the curriculum trainer, which imports this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..latent.base import LATENTS
from ..losses.base import LOSSES
from ..losses.reconstruction import RECONSTRUCTIONS
from ..penalties.base import PENALTIES
from ..samplers.base import SAMPLERS
from ..tasks.base import TASKS
from ..trainers.base import TRAINERS
from .component import ComponentConfig


class TaskConfig(ComponentConfig):
    registry: ClassVar = TASKS


class LossConfig(ComponentConfig):
    registry: ClassVar = LOSSES


class ReconstructionConfig(ComponentConfig):
    registry: ClassVar = RECONSTRUCTIONS


class TrainerConfig(ComponentConfig):
    registry: ClassVar = TRAINERS


class LatentConfig(ComponentConfig):
    registry: ClassVar = LATENTS


class SamplerConfig(ComponentConfig):
    registry: ClassVar = SAMPLERS


class PenaltyConfig(ComponentConfig):
    registry: ClassVar = PENALTIES

    @classmethod
    def from_json(cls, value: Any, path: str) -> ComponentConfig:
        if isinstance(value, dict) and "penalty_type" in value and "type" not in value:  # GAGA's spelling
            value = {"type": value["penalty_type"], **{k: v for k, v in value.items() if k != "penalty_type"}}
        return super().from_json(value, path)


@dataclass(frozen=True)
class PenaltiesConfig:
    """``"penalty"``: one penalty object (or name), or a list of them; applied in order."""

    items: tuple[PenaltyConfig, ...] = ()

    @classmethod
    def from_json(cls, value: Any, path: str) -> PenaltiesConfig:
        if isinstance(value, list):
            return cls(tuple(PenaltyConfig.from_json(v, f"{path}[{i}]") for i, v in enumerate(value)))
        return cls((PenaltyConfig.from_json(value, path),))

    def to_json(self) -> list[Any]:
        return [p.to_json() for p in self.items]

    def build(self) -> tuple[Any, ...]:
        return tuple(p.build() for p in self.items)
