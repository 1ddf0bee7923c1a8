"""The training engine: one loop, checkpoints, sample grids, scalar logs, multi-process and speed settings.

``train`` and friends are imported on first use: the trainers import ``engine.distributed`` and
``engine.speed`` while the loop imports the config, which imports the trainers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .loop import RunResult, default_run_dir, train

__all__ = ["RunResult", "default_run_dir", "train"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import loop

        return getattr(loop, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
