"""Trainers: how G and D take turns. Each registers under its config ``type``."""

from . import alternating, balanced, consensus, curriculum, fitness, gang, simultaneous  # noqa: F401  (registration)
from .base import TRAINERS

__all__ = ["TRAINERS"]
