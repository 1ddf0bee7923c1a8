"""The colorizer's own ``run`` and ``eval`` options, in a module that imports no torch (``--help`` is fast)."""

from __future__ import annotations

import argparse
from pathlib import Path

HINT_COUNTS = (0, 5, 20, 100)  # eval's hint curve: random 5 x 5 patches of the true colour per photo


def add_run_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--hints",
        type=Path,
        metavar="HINTS_DIR",
        help="colour hints: for IN/a/b.jpg the image HINTS_DIR/a/b.<any image extension>, the photo's size "
        "(opaque pixels give the wanted colour, transparent ones none); inputs without one are colorized "
        "automatically",
    )
    p.add_argument(
        "--saturation",
        type=float,
        default=1.0,
        metavar="S",
        help="scale the predicted colours' chroma: 1 as the model predicts (default), 0 gray, 1.3 a third more "
        "vivid (more saturated, and more often wrong where the model is unsure; clipped at the gamut); 0 to 3",
    )


def add_eval_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--hint-counts",
        type=int,
        nargs="+",
        metavar="N",
        default=list(HINT_COUNTS),
        help="for a model that takes hints: PSNR with N random 5x5 patches of the true colour "
        f"(fixed seeds; default {' '.join(map(str, HINT_COUNTS))})",
    )
