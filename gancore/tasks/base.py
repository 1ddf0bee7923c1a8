"""What an app supplies to the core: a *task* (how a real image becomes a training pair).

The core knows nothing of colour, masks or scales; the task does. Images everywhere are
``(B, 3, H, W)`` float tensors in ``[-1, 1]`` unless a docstring says otherwise.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Protocol

import torch

from ..registry import Registry

Shape = tuple[int, ...]


@dataclass(frozen=True)
class Pair:
    """A training pair made from a real batch: the generator's input and the wanted output."""

    condition: torch.Tensor  # (B, Cc, H, W)
    target: torch.Tensor  # (B, Ct, H, W)


class Task(Protocol):
    name: str

    def shapes(self, size: int) -> dict[str, Shape]:
        """Shapes (no batch) of ``condition``, ``target`` and ``judged`` (what D sees) at crop ``size``."""

    def condition(self, real: torch.Tensor) -> Pair:
        """Make the pair from real images ``(B, 3, H, W)`` in [-1, 1]; runs on the training device."""

    def judged(self, condition: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        """What the discriminator sees for a real or generated ``image`` (a target-shaped tensor)."""

    # optional: ``compose(condition, output) -> output``, applied to every generator output
    # (the inpainter pastes the known pixels back, so D and the losses see the composite)

    def to_rgb(self, condition: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        """A target-shaped tensor as RGB ``(B, 3, H, W)`` in [-1, 1], for sample grids."""

    def condition_rgb(self, condition: torch.Tensor) -> torch.Tensor:
        """The condition as RGB ``(B, 3, H, W)`` in [-1, 1], for sample grids."""


TASKS: Registry[type] = Registry("task")


def load_task_plugins() -> None:
    """Register every installed task: each module named in the ``gancore.tasks`` entry-point group
    (the core's own 2-D benchmark ``toy2d``, the apps' tasks, any other package's).

    The registry imports no task by name: tasks import it. A plugin that fails to import is
    reported once and skipped.
    """
    for entry in _entry_points("gancore.tasks"):
        if entry.value in _LOADED:
            continue
        _LOADED.add(entry.value)
        try:
            entry.load()
        except Exception as err:  # a broken plugin must not take the core down
            print(f"warning: task plugin {entry.name} ({entry.value}) failed to load: {err}", file=sys.stderr)


_LOADED: set[str] = set()


def _entry_points(group: str):
    from importlib.metadata import entry_points

    return sorted(entry_points(group=group), key=lambda e: e.name)
