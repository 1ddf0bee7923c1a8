"""``python -m peers METHOD IN_DIR OUT_DIR [--scale N] [--masks DIR] [--threads N]`` (run by apps/peers.py)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

from . import dat, fills, realesrgan  # noqa: F401  (they register the peers)
from .registry import PEERS, get


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m peers", description=__doc__)
    p.add_argument("method", choices=sorted(PEERS))
    p.add_argument("inputs", type=Path, help="a folder of RGB PNGs")
    p.add_argument("out", type=Path)
    p.add_argument("--scale", type=int, default=1)
    p.add_argument("--masks", type=Path, help="fills: a folder of masks, same names (white = fill)")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    model = get(args.method)(args.scale, args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    times = {}
    for path in sorted(args.inputs.glob("*.png")):
        rgb = np.asarray(Image.open(path).convert("RGB"))
        mask = None
        if args.masks is not None:
            mask = np.asarray(Image.open(args.masks / path.name).convert("L")) > 127
        started = time.perf_counter()
        out = model(rgb, mask)
        times[path.name] = time.perf_counter() - started
        Image.fromarray(np.ascontiguousarray(out)).save(args.out / path.name)
    (args.out / "times.json").write_text(json.dumps(times, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
