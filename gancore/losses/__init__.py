"""Adversarial losses (``LOSSES``) and reconstruction terms (``RECONSTRUCTIONS``)."""

from . import least_squares, standard  # noqa: F401  (registration)
from .base import LOSSES, Loss
from .reconstruction import RECONSTRUCTIONS

__all__ = ["LOSSES", "RECONSTRUCTIONS", "Loss"]
