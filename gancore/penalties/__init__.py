"""Penalties (``PENALTIES``): gradient penalties, R1/R2, weight clipping, none."""

from . import clamp, gradient, r1  # noqa: F401  (registration)
from .base import PENALTIES, CriticInputs, NoPenalty, Penalty

__all__ = ["PENALTIES", "CriticInputs", "NoPenalty", "Penalty"]
