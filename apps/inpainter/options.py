"""The inpainter's own ``run`` and ``eval`` options, in a module that imports no torch (``--help`` is fast).

``POLICIES`` and ``EVAL_SET_NAMES`` name what ``masks.py`` registers (a test keeps them equal).
"""

from __future__ import annotations

import argparse
from pathlib import Path

MAX_SIDE = 512  # crops larger than this are downscaled for the model
POLICIES = ("large", "medium", "mix", "rectangles", "strokes", "thick", "thin")
EVAL_SET_NAMES = ("thin", "medium", "thick")


def add_run_arguments(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--masks", type=Path, metavar="MASKS_DIR", help="one mask per image, same name (white = fill)")
    src.add_argument(
        "--mask-policy", metavar="NAME", help=f"synthetic masks, reproducible per file name: {', '.join(POLICIES)}"
    )
    p.add_argument(
        "--max-side", type=int, default=MAX_SIDE, help=f"crops wider than this are downscaled (default {MAX_SIDE})"
    )


def add_eval_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--size", type=int, default=256, help="images are resized so the shorter side is this (default 256)")
    p.add_argument(
        "--sets", nargs="+", choices=EVAL_SET_NAMES, default=list(EVAL_SET_NAMES), help="mask sets (default: all three)"
    )
