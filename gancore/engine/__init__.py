"""The training engine: one loop, checkpoints, sample grids, scalar logs."""

from .loop import RunResult, default_run_dir, train

__all__ = ["RunResult", "default_run_dir", "train"]
