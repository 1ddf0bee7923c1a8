"""The colour prior a bins head is rebalanced by (``soft_bins``'s ``prior``): how often each a*b* bin
occurs in the training photos, measured once.

    python -m apps.colorizer.prior data/train --bins 23 > prior.json      # {"bins": 23, "prior": [...]}

Each photo is reduced to at most 256 px (area), converted to CIE Lab, and every pixel counted in
its nearest bin of the ``bins`` x ``bins`` grid over scaled a*b* in [-1, 1] (``gancore.losses.bins``).
Frequencies are rounded to 6 decimals (they are weights, not data). Never run it on the evaluation
split.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from gancore.data import require_images
from gancore.data.images import iter_rgb

from .lab import rgb_to_lab_scaled

SIDE = 256


def prior(files: list[Path], bins: int) -> np.ndarray:
    """The bins' frequencies ``(bins * bins,)`` over ``files``, summing to 1."""
    counts = torch.zeros(bins * bins, dtype=torch.float64)
    step = 2.0 / (bins - 1)
    for _, rgb in iter_rgb(files, []):
        img = Image.fromarray(rgb)
        img.thumbnail((SIDE, SIDE), Image.Resampling.BOX)
        x = torch.from_numpy(np.array(img)).permute(2, 0, 1)[None].float() / 127.5 - 1
        _, ab = rgb_to_lab_scaled(x)
        cell = ((ab.clamp(-1, 1) + 1) / step).round().long().clamp(0, bins - 1)
        index = (cell[0, 0] * bins + cell[0, 1]).reshape(-1)
        counts += torch.bincount(index, minlength=bins * bins).double()
    return (counts / counts.sum()).numpy()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m apps.colorizer.prior", description=__doc__.splitlines()[0])
    p.add_argument("data", type=Path, metavar="DATA_DIR", help="the training photos (recursive)")
    p.add_argument("--bins", type=int, default=23, help="the grid's side (default 23: one bin every 10 a*b* units)")
    a = p.parse_args(argv)
    freq = prior(require_images(a.data), a.bins)
    json.dump({"bins": a.bins, "prior": [round(float(f), 6) for f in freq]}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
