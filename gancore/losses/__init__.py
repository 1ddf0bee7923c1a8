"""Adversarial losses (``LOSSES``) and reconstruction terms (``RECONSTRUCTIONS``)."""

from . import began, bins, f_divergence, hinge, least_squares, qp, relativistic, standard, wasserstein  # noqa: F401
from .base import LOSSES, Labels, Loss
from .reconstruction import RECONSTRUCTIONS

__all__ = ["LOSSES", "RECONSTRUCTIONS", "Labels", "Loss"]
