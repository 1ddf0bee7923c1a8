"""Samplers (``SAMPLERS``) for sample sheets: static_batch, batch, grid, progressive."""

from . import sheets  # noqa: F401  (registration)
from .base import SAMPLERS

__all__ = ["SAMPLERS"]
