"""The inpainter's own ``run`` and ``eval`` options, in a module that imports no torch (``--help`` is fast).

``POLICIES`` and ``EVAL_SET_NAMES`` name what ``masks.py`` registers (a test keeps them equal).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from apps.evaloptions import add_peers_argument

MAX_SIDE = 512  # crops larger than this are downscaled for the model
POLICIES = (
    "blobs",
    "box",
    "large",
    "medium",
    "mix",
    "objects",
    "one-box",
    "rectangles",
    "removal",
    "strokes",
    "thick",
    "thin",
)
EVAL_SET_NAMES = ("thin", "medium", "thick", "box", "blobs")


def add_run_arguments(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--masks", type=Path, metavar="MASKS_DIR", help="one mask per image, same name (white = fill)")
    src.add_argument(
        "--mask-policy", metavar="NAME", help=f"synthetic masks, reproducible per file name: {', '.join(POLICIES)}"
    )
    p.add_argument(
        "--max-side", type=int, default=MAX_SIDE, help=f"crops wider than this are downscaled (default {MAX_SIDE})"
    )
    p.add_argument(
        "--dilate",
        type=int,
        default=0,
        metavar="PX",
        help="grow every mask by PX pixels before filling (no seam where a mask stops just short of an object's "
        "edge; default 0)",
    )


def add_eval_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--size", type=int, default=384, help="images are resized so the shorter side is this (default 384)")
    p.add_argument(
        "--sets",
        nargs="+",
        choices=EVAL_SET_NAMES,
        default=list(EVAL_SET_NAMES),
        help="mask sets: thin / medium / thick strokes, one box of 35%% x 35%% of the sides, object-shaped blobs "
        "(default: all five)",
    )
    add_peers_argument(p)
