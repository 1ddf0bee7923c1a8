"""``eval`` options the apps share, in a module that imports nothing heavy (``--help`` stays fast)."""

from __future__ import annotations

import argparse


def add_peers_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--peers",
        choices=("auto", "none"),
        default="auto",
        help="rows for the tools people already use (Real-ESRGAN, DAT-light, PatchMatch, OpenCV xphoto): "
        "auto = when `make peers` has made their environment (default), none = leave them out",
    )
