"""The curriculum trainer: a schedule of config changes by step.

    "trainer": {"type": "curriculum", "stages": [
        {"start": 0,    "trainer": {"type": "alternating", "d_learn_rate": 1e-3}, "loss": "standard"},
        {"start": 2000, "trainer": {"type": "alternating", "d_learn_rate": 1e-4},
                        "loss": "hinge", "penalty": {"type": "r1", "weight": 1}}]}

Each stage names a trainer (any but ``curriculum``; with its own optimisers and their options)
and optionally a ``loss`` and a ``penalty`` (one or a list) replacing the config's from its
``start`` step on. The networks carry over; optimiser state does not (each stage's optimisers
start fresh when the stage starts). Stages need the same kind of discriminator: an
autoencoder loss (began) cannot follow a classifier loss.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch

from ..errors import ConfigError, join_path
from .base import TRAINERS

_KEYS = ("start", "trainer", "loss", "penalty")


@dataclass(frozen=True)
class Stage:
    start: int  # the trainer step this stage takes over at
    trainer: Any  # TrainerConfig
    loss: Any = None  # LossConfig, or None: the config's loss
    penalty: Any = None  # PenaltiesConfig, or None: the config's penalties

    @classmethod
    def from_json(cls, value: Any, path: str) -> Stage:
        from ..config.components import LossConfig, PenaltiesConfig, TrainerConfig  # (lazy: this package loads first)
        from ..config.fields import convert

        if not isinstance(value, Mapping):
            raise ConfigError(path, f"expected an object {{...}}, got {value!r}")
        for key in value:
            if key not in _KEYS and not key.startswith("#"):
                raise ConfigError(join_path(path, key), f"unknown key '{key}' (valid: {', '.join(_KEYS)})")
        trainer = TrainerConfig.from_json(value.get("trainer", "alternating"), join_path(path, "trainer"))
        if trainer.type == "curriculum":
            raise ConfigError(join_path(path, "trainer"), "a curriculum stage cannot be a curriculum")
        return cls(
            start=convert(int, value.get("start", 0), join_path(path, "start")),
            trainer=trainer,
            loss=LossConfig.from_json(value["loss"], join_path(path, "loss")) if "loss" in value else None,
            penalty=PenaltiesConfig.from_json(value["penalty"], join_path(path, "penalty"))
            if "penalty" in value
            else None,
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.start, "trainer": self.trainer.to_json()}
        if self.loss is not None:
            out["loss"] = self.loss.to_json()
        if self.penalty is not None:
            out["penalty"] = self.penalty.to_json()
        return out


@TRAINERS.register("curriculum")
class CurriculumTrainer:
    @dataclass(frozen=True)
    class Options:
        stages: tuple[Stage, ...]

        def __post_init__(self):
            if not self.stages or self.stages[0].start != 0:
                raise ConfigError("trainer.stages", "needs at least one stage, and the first must start at 0")
            starts = [s.start for s in self.stages]
            if starts != sorted(set(starts)):
                raise ConfigError("trainer.stages", f"stage starts must increase strictly, got {starts}")

    def __init__(self, options: Options, gan):
        self.gan = gan
        self.iteration = 0
        self.starts = [s.start for s in options.stages]
        self.trainers = []
        for i, s in enumerate(options.stages):
            loss = s.loss.build() if s.loss is not None else gan.loss
            if getattr(loss, "autoencoder", False) != getattr(gan.loss, "autoencoder", False):
                raise ConfigError(
                    f"trainer.stages[{i}].loss", "must use the same kind of discriminator as the config's loss"
                )
            penalties = s.penalty.build() if s.penalty is not None else None
            self.trainers.append(s.trainer.build(gan, loss=loss, penalties=penalties))

    def stage(self, step: int) -> int:
        """The index of the stage in force at trainer step ``step``."""
        return max(i for i, start in enumerate(self.starts) if start <= step)

    def step(self, real: torch.Tensor) -> dict[str, torch.Tensor]:
        i = self.stage(self.iteration)
        trainer = self.trainers[i]
        trainer.iteration = self.iteration  # schedules and annealing follow the global step
        logs = trainer.step(real)
        self.iteration += 1
        first = next(iter(logs.values()), None)
        logs["stage"] = torch.tensor(float(i), device=first.device if first is not None else "cpu")
        return logs

    def optimizers(self) -> dict[str, torch.optim.Optimizer]:
        return {f"stage{i}_{k}": v for i, t in enumerate(self.trainers) for k, v in t.optimizers().items()}

    def state_dict(self) -> dict[str, torch.Tensor]:
        state = {"iteration": torch.tensor(self.iteration)}
        for i, t in enumerate(self.trainers):
            state.update({f"stage{i}.{k}": v for k, v in t.state_dict().items()})
        return state

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        self.iteration = int(state.get("iteration", torch.tensor(0)))
        for i, t in enumerate(self.trainers):
            prefix = f"stage{i}."
            t.load_state_dict({k[len(prefix) :]: v for k, v in state.items() if k.startswith(prefix)})
