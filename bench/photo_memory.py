"""Peak memory of ``run`` on one large photo for the colorizer and the inpainter (the upscaler has
``superres_memory.py``): what a large photo costs beyond the loaded model, per pixel.

    .venv/bin/python bench/photo_memory.py                       # 6000 x 4000, both apps, shipped models
    .venv/bin/python bench/photo_memory.py --width 11000 --height 7400 --apps colorizer

Each app's ``run`` (its own command line, in-process) works in a fresh subprocess on a synthetic
photo-like PNG (drawn in another subprocess); a second subprocess runs the same command on a 64 x 64
photo, so "beyond the model" is the difference of the two peaks (``ru_maxrss``). The inpainter
draws object-shaped holes (``--mask-policy objects``: up to 35 % of the photo, the largest crops).
Prints a table and writes ``bench/results/photo_memory.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.memory import rss_mb  # noqa: E402  (after the path is set)

EXTRA = {"colorizer": [], "inpainter": ["--mask-policy", "objects"]}


def child(app: str, folder: str, out: str, threads: int) -> None:
    """``python -m apps.<app> run folder out`` in this process; prints the peak RSS as JSON."""
    import importlib

    import torch

    torch.set_num_threads(threads)
    main = importlib.import_module(f"apps.{app}.__main__")
    status = main.main(main.APP, ["run", folder, out, *EXTRA[app]])
    print(json.dumps({"status": status, "peak_rss_mb": rss_mb()}))


def peak(app: str, photo: Path, tmp: Path, threads: int) -> tuple[float, float]:
    """(peak RSS MB, wall seconds) of ``run`` on the folder holding ``photo``."""
    out = tmp / f"out-{app}-{photo.parent.name}"
    cmd = [sys.executable, __file__, "--child", app, str(photo.parent), str(out), "--threads", str(threads)]
    start = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    result = json.loads(r.stdout.strip().splitlines()[-1]) if r.stdout.strip() else {}
    if r.returncode != 0 or result.get("status") != 0:
        raise SystemExit(f"{app} run failed:\n{r.stderr[-2000:]}")
    return result["peak_rss_mb"], wall


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--width", type=int, default=6000)
    p.add_argument("--height", type=int, default=4000)
    p.add_argument("--apps", default="colorizer,inpainter", help="comma-separated: colorizer, inpainter")
    p.add_argument("--threads", type=int, default=2, help="torch threads (the target machine has 2 cores)")
    p.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "photo_memory.json")
    p.add_argument("--child", nargs=3, metavar=("APP", "IN", "OUT"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(*args.child, args.threads)
        return 0

    rows = []
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        photos = {}
        for label, (w, h) in {"large": (args.width, args.height), "small": (64, 64)}.items():
            (tmp / label).mkdir()
            photos[label] = tmp / label / "photo.png"
            make = [sys.executable, str(ROOT / "bench" / "superres_memory.py"), "--make", str(photos[label])]
            subprocess.run([*make, "--width", str(w), "--height", str(h)], check=True, cwd=ROOT)
        megapixels = args.width * args.height / 1e6
        for app in args.apps.split(","):
            small, _ = peak(app, photos["small"], tmp, args.threads)
            large, wall = peak(app, photos["large"], tmp, args.threads)
            rows.append(
                {
                    "app": app,
                    "input_size": [args.width, args.height],
                    "peak_rss_mb": round(large, 1),
                    "peak_rss_64px_mb": round(small, 1),
                    "beyond_model_mb": round(large - small, 1),
                    "bytes_per_pixel": round((large - small) * 2**20 / (megapixels * 1e6), 1),  # MiB -> bytes
                    "wall_s": round(wall, 1),
                }
            )
    header = f"{'app':<10} {'photo':>12} {'peak MB':>8} {'64 px MB':>9} {'beyond MB':>10} {'B / pixel':>10} {'s':>6}"
    print(header)
    for r in rows:
        size = f"{r['input_size'][0]}x{r['input_size'][1]}"
        print(
            f"{r['app']:<10} {size:>12} {r['peak_rss_mb']:>8.0f} {r['peak_rss_64px_mb']:>9.0f} "
            f"{r['beyond_model_mb']:>10.0f} {r['bytes_per_pixel']:>10.1f} {r['wall_s']:>6.1f}"
        )
    machine = f"{platform.machine()}, {platform.processor() or 'cpu'}"
    report = {"machine": machine, "threads": args.threads, "rows": rows}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
