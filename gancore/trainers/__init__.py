"""Trainers: how G and D take turns. Each registers under its config ``type``."""

from . import alternating, balanced, consensus, curriculum, fitness, gang, simultaneous  # noqa: F401
from .base import TRAINERS  # first: the config schema imports TRAINERS while trainers import config helpers

__all__ = ["TRAINERS"]
