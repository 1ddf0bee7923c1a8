"""The trainer registry. Optimiser construction is in ``optim.py``; the shared machinery in ``common.py``."""

from __future__ import annotations

from ..registry import Registry

TRAINERS: Registry[type] = Registry("trainer")
