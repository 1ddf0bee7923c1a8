"""The upscaler's own ``run`` and ``eval`` options, in a module that imports no torch (``--help`` is fast)."""

from __future__ import annotations

import argparse

from apps.evaloptions import add_peers_argument

TILE_OUT = 1024  # output pixels per tile side (context included): one tile's activations stay under 1 GB
TILE_BATCH_CUDA = 4  # default tiles per forward pass on CUDA
PAD = 16  # LR pixels of context: covers the default generators' receptive field (15 px)


def add_tile_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--tile",
        type=int,
        help=f"tile side in input pixels (default: {TILE_OUT} / scale - 2 x tile-pad, so tiles come out {TILE_OUT} px)",
    )
    p.add_argument("--tile-pad", type=int, default=PAD, help=f"context around each tile, input pixels (default {PAD})")
    p.add_argument(
        "--tile-batch",
        type=int,
        help=f"tiles per forward pass (default: 1 on the CPU, {TILE_BATCH_CUDA} on CUDA; memory grows with it)",
    )
    p.add_argument(
        "--ensemble",
        action="store_true",
        help="self-ensemble: average the model over the 8 flips and quarter-turns of each tile "
        "(a little more PSNR for 8x the time)",
    )


def add_run_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scale", type=int, help="output factor (default: the model's; lower ones are resampled)")
    p.add_argument(
        "--strength",
        type=float,
        metavar="S",
        help="for a GAN model: 0 = its faithful PSNR model, 1 = the GAN model (natural texture), between: both "
        "networks' weights interpolated (one pass; default: the model as it is)",
    )
    add_tile_arguments(p)


def add_eval_arguments(p: argparse.ArgumentParser) -> None:
    add_tile_arguments(p)
    add_peers_argument(p)
    p.add_argument(
        "--web-only",
        action="store_true",
        help="only the web inputs (192-px crops, clean and JPEG): skips the full photos, minutes faster "
        "(e.g. to compare models on a run's held-out photos)",
    )
