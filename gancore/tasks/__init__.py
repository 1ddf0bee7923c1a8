"""Tasks: what turns real images into (condition, target) pairs. Apps register theirs."""

from .base import TASKS, Pair, Task, load_task_plugins

__all__ = ["TASKS", "Pair", "Task", "load_task_plugins"]
