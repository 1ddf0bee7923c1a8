"""Which shipped upscaler serves a factor, one rule for ``run`` and the Python API: the shipped model of
that factor (``superres-x{scale}``) when there is one, else the default x4 model, which resamples its
output down to the factor."""

from __future__ import annotations

import argparse
from pathlib import Path

SHIPPED = Path(__file__).resolve().parents[2] / "assets" / "models"
DEFAULT = SHIPPED / "superres-x4.safetensors"


def for_scale(scale: int | None) -> Path:
    """The shipped model for ``scale`` (None: the default)."""
    if scale is not None and (SHIPPED / f"superres-x{scale}.safetensors").is_file():
        return SHIPPED / f"superres-x{scale}.safetensors"
    return DEFAULT


def for_scale_option(args: argparse.Namespace) -> Path:
    """``run``'s model when ``--model`` is not given: by ``--scale``."""
    return for_scale(getattr(args, "scale", None))
