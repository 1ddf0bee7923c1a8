"""Peak memory and time of ``superres run`` on a large image: a 6000 x 4000 picture upscaled x2 on the CPU.

    .venv/bin/python bench/superres_memory.py                   # the shipped x2 model
    .venv/bin/python bench/superres_memory.py --model M.safetensors --width 3000 --height 2000

The upscale runs in a fresh subprocess (the ``run`` verb's own code: read, tile, save as PNG), so
its ``ru_maxrss`` is that process's peak resident memory. (Linux keeps ``ru_maxrss`` across
``execve``, so the synthetic input is drawn in another subprocess and this parent stays small;
the kernel's ``VmHWM``, which starts afresh, is reported beside it.) Without ``--model``: the
shipped ``assets/models/superres-x2.safetensors`` (its weights do not change the cost, its network
does), or the generator of ``configs/superres-x2.json`` untrained where none is shipped.
Prints a table and writes ``bench/results/superres_memory.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.memory import hwm_mb, rss_mb  # noqa: E402  (after the path is set)

SHIPPED_X2 = ROOT / "assets" / "models" / "superres-x2.safetensors"


def shown_default() -> str:
    """What runs without ``--model``, as the report names it."""
    if SHIPPED_X2.is_file():
        return SHIPPED_X2.relative_to(ROOT).as_posix()
    return "configs/superres-x2.json (untrained)"


def cpu_s() -> float:
    """CPU seconds this process has used (user + system, all threads): less sensitive to a busy machine."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def synthetic(width: int, height: int, path: Path) -> None:
    """A photo-like test card: smooth colour gradients, edges and fine noise, written as PNG."""
    from PIL import Image

    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    rgb = np.empty((height, width, 3), np.uint8)
    for c, (fx, fy) in enumerate(((1 / 700, 1 / 900), (1 / 350, 1 / 1300), (1 / 1900, 1 / 500))):
        wave = 127 + 90 * np.sin(x * fx * 6.28 + c) * np.cos(y * fy * 6.28)
        wave += np.where((x // 400 + y // 400) % 2 == 0, 25, -25)  # hard edges
        rgb[..., c] = np.clip(wave + rng.normal(0, 6, (height, width)), 0, 255)
    Image.fromarray(rgb).save(path, compress_level=1)


def child(args: argparse.Namespace) -> None:
    """Upscale one file exactly as ``run`` does; print timings and the peak RSS as JSON."""
    t0 = time.perf_counter()
    import torch

    from apps.superres.infer import Upscaler
    from gancore.batch import save_atomic
    from gancore.config import load_config
    from gancore.data import open_image
    from gancore.gan import build_generator

    torch.set_num_threads(args.threads)
    if args.model or SHIPPED_X2.is_file():
        up = Upscaler.load(args.model or SHIPPED_X2, "cpu", args.tile, args.tile_pad)
    else:
        cfg = load_config(ROOT / "configs" / "superres-x2.json")
        task, gen = build_generator(cfg)
        up = Upscaler(task, gen.eval(), cfg, "cpu", args.tile, args.tile_pad)
    idle = rss_mb()
    t1, c1 = time.perf_counter(), cpu_s()
    img = open_image(args.input)
    t2 = time.perf_counter()
    out = up.upscale(img, args.scale)
    t3, c3 = time.perf_counter(), cpu_s()
    save_atomic(out, Path(args.output))
    t4 = time.perf_counter()
    print(
        json.dumps(
            {
                "output_size": list(out.size),
                "model_scale": up.scale,
                "tile": up.tile,
                "load_s": t1 - t0,
                "read_s": t2 - t1,
                "upscale_s": t3 - t2,
                "read_upscale_cpu_s": c3 - c1,
                "save_s": t4 - t3,
                "rss_after_load_mb": idle,
                "peak_rss_mb": rss_mb(),
                "peak_vmhwm_mb": hwm_mb(),
            }
        )
    )


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--width", type=int, default=6000)
    p.add_argument("--height", type=int, default=4000)
    p.add_argument("--scale", type=int, default=2)
    p.add_argument("--model", type=Path, help="a superres generator (default: the shipped x2 model)")
    p.add_argument("--tile", type=int, help="input pixels per tile side (default: run's)")
    p.add_argument("--tile-pad", type=int, default=16)
    p.add_argument("--threads", type=int, default=2, help="torch threads (the target machine has 2 cores)")
    p.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "superres_memory.json")
    p.add_argument("--child", nargs=2, metavar=("IN", "OUT"), help=argparse.SUPPRESS)
    p.add_argument("--make", metavar="PATH", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.make:
        synthetic(args.width, args.height, Path(args.make))
        return 0
    if args.child:
        args.input, args.output = args.child
        child(args)
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "input.png", Path(tmp) / "output.png"
        make = [sys.executable, __file__, "--make", str(src), "--width", str(args.width), "--height", str(args.height)]
        subprocess.run(make, check=True)
        cmd = [sys.executable, __file__, "--child", str(src), str(dst), "--scale", str(args.scale)]
        cmd += ["--tile-pad", str(args.tile_pad), "--threads", str(args.threads)]
        cmd += ["--tile", str(args.tile)] if args.tile else []
        cmd += ["--model", str(args.model)] if args.model else []
        start = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        wall = time.perf_counter() - start
        if r.returncode != 0:
            print(r.stderr, file=sys.stderr)
            return r.returncode
        result = json.loads(r.stdout.strip().splitlines()[-1])
        output_mb = dst.stat().st_size / 1e6

    result.update(
        input_size=[args.width, args.height],
        scale=args.scale,
        tile=result["tile"],
        tile_pad=args.tile_pad,
        threads=args.threads,
        model=str(args.model) if args.model else shown_default(),
        wall_s=wall,
        output_png_mb=output_mb,
        machine=f"{platform.machine()}, {platform.processor() or 'cpu'}",
        limit_mb=4096,
        under_limit=result["peak_rss_mb"] < 4096,
    )
    w, h = result["output_size"]
    rows = [
        ("input", f"{args.width} x {args.height} RGB, x{args.scale} -> {w} x {h}"),
        ("model", result["model"]),
        ("tiles", f"{result['tile']} px + {args.tile_pad} px context, {args.threads} threads"),
        ("load model", f"{result['load_s']:.1f} s"),
        ("read input", f"{result['read_s']:.1f} s"),
        ("upscale (tiled)", f"{result['upscale_s']:.1f} s (read + upscale: {result['read_upscale_cpu_s']:.0f} CPU s)"),
        ("save PNG", f"{result['save_s']:.1f} s ({output_mb:.0f} MB)"),
        ("peak RSS", f"{result['peak_rss_mb']:.0f} MB (ru_maxrss; VmHWM {result['peak_vmhwm_mb'] or 0:.0f} MB)"),
        ("RSS, model loaded", f"{result['rss_after_load_mb']:.0f} MB"),
        ("under 4 GB", "yes" if result["under_limit"] else "NO"),
    ]
    width = max(len(k) for k, _ in rows)
    print("\n".join(f"{k:<{width}}  {v}" for k, v in rows))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json}")
    return 0 if result["under_limit"] else 1


if __name__ == "__main__":
    sys.exit(main())
