"""One app's throughput on one device, through the real code paths and against the model alone.

    measure_train(app, device, opts)   # images/s through gancore.engine.train vs trainer.step on a preloaded batch
    measure_run(app, device, opts)     # images/s through gancore.batch.process_folder vs the processor's model call

Each runs in its own process (``throughput.py --child``), so its peak memory is its own.

**Training**: ``train()`` on a copy of ``assets/photos`` for ``warmup + steps`` steps with
``log_every`` dividing both, samples and checkpoints only after the last step. The engine logs
``images_per_s`` per tick in ``metrics.jsonl``: the wall time of the tick's steps (fetching the
batch, the step, accumulating the logs), without the tick's own logging. The ticks after the
warm-up ones give the pipeline's rate (images / summed tick seconds). The ceiling: the same
config's trainer (built alike, same speed settings) stepping on one batch already on the device,
``steps`` timed steps split in two halves, one before and one after the engine run, so a change
in the machine's load hits both sides alike.

**Inference**: ``process_folder`` (the ``run`` verb's code and default threads for the device, the app's real
processor built from ``run``'s own parser defaults) over a folder of real photos. The ceiling:
the processor's model call on inputs decoded beforehand (no decoding, no PNG encoding, no
writing), again half before and half after. A plain ``path -> image`` processor cannot be split:
its ceiling then includes decoding (noted in the row).
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import math
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import torch
from PIL import Image

from bench.memory import hwm_mb, rss_mb

ROOT = Path(__file__).resolve().parents[1]
PHOTOS = ROOT / "assets" / "photos"
# per app, where its defaults do not fit a CPU bench or `run` needs an option
RUN_SIDE = {"superres": 160}  # long side of the run folder's photos (x4 takes ~2 min per 1-MP photo on 2 cores)


def _inpainter_masks(files: list[Path], in_dir: Path, tmp: Path) -> list[str]:
    """A mask file per photo (the ``medium`` eval set's strokes): ``run --masks``, the app's main use."""
    import zlib

    from apps.inpainter.masks import draw_fixed

    masks = tmp / "masks"
    for f in files:
        with Image.open(f) as img:
            w, h = img.size
        hole = draw_fixed("medium", zlib.crc32(f.name.encode()), h, w).numpy()
        dst = (masks / f.relative_to(in_dir)).with_suffix(".png")
        dst.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(hole.astype("uint8") * 255).save(dst)
    return ["--masks", str(masks)]


RUN_SETUP = {"inpainter": _inpainter_masks}  # per app: files, IN, scratch -> the `run` options it needs


@dataclass(frozen=True)
class Options:
    """What one child measures (the parent's command line, resolved for a device)."""

    steps: int  # timed training steps (engine and ceiling each)
    warmup: int  # untimed training steps first (worker start-up, allocator, first-step costs)
    batch: int | None  # training batch; None: the config's, at most batch_cap
    batch_cap: int | None  # the largest config batch kept as is (a CPU bench's smaller steps); None: no cap
    workers: int | None  # DataLoader workers; None: the config's
    threads: int | None  # torch intra-op threads; None: torch's default (one per core)
    run_images: int  # photos in the inference folder
    run_side: int | None  # their long side, pixels (downscaled copies); None: RUN_SIDE's or as shipped
    tmp: Path  # scratch folder
    config: Path | None = None  # run: this config's network, untrained, instead of the shipped model


def load_app(name: str):
    """The ``App`` of ``apps/<name>/__main__.py``."""
    return importlib.import_module(f"apps.{name}.__main__").APP


def sync(dev: torch.device) -> None:
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)


def reset_peak(dev: torch.device) -> None:
    """Start a new peak: the kernel's VmHWM (``clear_refs`` 5) and CUDA's allocator statistics."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    if dev.type == "cuda":
        torch.cuda.reset_peak_memory_stats(dev)


def peak_mb(dev: torch.device) -> float:
    """Peak memory since ``reset_peak``: CUDA allocations on a GPU, else resident memory (MB)."""
    if dev.type == "cuda":
        return torch.cuda.max_memory_allocated(dev) / 2**20
    hwm = hwm_mb()
    return hwm if hwm is not None else rss_mb()


def copy_photos(dst: Path, count: int | None = None, side: int | None = None) -> list[Path]:
    """The first ``count`` bundled photos into ``dst`` (long side at most ``side``), as JPEG like the originals."""
    dst.mkdir(parents=True, exist_ok=True)
    out = []
    for src in sorted(PHOTOS.glob("*.jpg"))[:count]:
        if side is None:
            shutil.copy(src, dst / src.name)
        else:
            with Image.open(src) as img:
                small = img.convert("RGB")
                small.thumbnail((side, side), Image.Resampling.LANCZOS)
                small.save(dst / src.name, quality=92)
        out.append(dst / src.name)
    return out


def bench_config(app, opts: Options):
    """The app's default config with the bench's step counts, batch and workers."""
    from gancore.config import config_from_dict, config_to_dict, load_config

    cfg = load_config(app.default_config)
    tick = math.gcd(opts.warmup, opts.steps)
    total = opts.warmup + opts.steps
    batch = opts.batch or (min(cfg.data.batch, opts.batch_cap) if opts.batch_cap else cfg.data.batch)
    workers = cfg.data.workers if opts.workers is None else opts.workers
    cfg = cfg.replace("data", batch=batch, workers=workers)
    cfg = cfg.replace("train", steps=total, log_every=tick, sample_every=total, checkpoint_every=total)
    if getattr(cfg.trainer.options, "pretrain_steps", 0):  # time the GAN steps, not a G-only warm-up phase
        cfg = dataclasses.replace(cfg, trainer=cfg.trainer.replace(pretrain_steps=0))
    return config_from_dict(config_to_dict(cfg)), tick


def _speed(cfg, dev: torch.device):
    """The engine's speed settings (bf16, channels-last, compile) for ``dev``, as the engine applies them."""
    from gancore.engine.speed import resolve_speed

    return resolve_speed(cfg.train, dev)


def step_trainer(cfg, dev: torch.device):
    """``(trainer, speed)`` for ``cfg`` on ``dev``, built as the engine builds them (seed, speed
    settings applied, both networks in training mode), for timing ``trainer.step`` alone."""
    from gancore.gan import build_gan

    torch.manual_seed(cfg.train.seed)
    gan = build_gan(cfg).to(dev)
    trainer = cfg.trainer.build(gan)
    speed = _speed(cfg, dev)
    speed.prepare(gan)
    gan.generator.train()
    gan.discriminator.train()
    return trainer, speed


def load_average() -> float | None:
    """The 1-minute load average (runnable processes): above the core count, the machine was shared."""
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def measure_train(name: str, device: str, opts: Options) -> dict:
    from gancore.data import PhotoFolder
    from gancore.data.split import no_split
    from gancore.engine import train

    app, dev = load_app(name), torch.device(device)
    cfg, tick = bench_config(app, opts)
    data_dir = opts.tmp / "photos"
    copy_photos(data_dir)
    b = cfg.data.batch

    # the ceiling's trainer: built as the engine builds it, stepping on one preloaded batch
    trainer, speed = step_trainer(cfg, dev)
    folder = PhotoFolder(data_dir, cfg.data.size, cfg.train.seed, cfg.data.scale_min)
    real = speed.batch(torch.stack([folder[i % len(folder)]["image"] for i in range(b)]).to(dev))

    def ceiling(n: int) -> float:
        sync(dev)
        t = time.perf_counter()
        for _ in range(n):
            with speed.autocast():
                trainer.step(real)
        sync(dev)
        return time.perf_counter() - t

    reset_peak(dev)
    load = [load_average()]
    ceiling(opts.warmup)
    first = opts.steps // 2
    t_before = ceiling(first)

    # the real thing: the engine on the photo folder
    run_dir = opts.tmp / "run"
    train(cfg, data_dir, run_dir, device=device, progress=False, split=no_split(data_dir))  # throughput: no checks
    ticks = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    timed = [t for t in ticks if t["step"] > opts.warmup]
    assert timed and all(t["step"] % tick == 0 for t in timed), f"unexpected ticks {[t['step'] for t in ticks]}"
    t_engine = sum(tick * b / t["images_per_s"] for t in timed)
    n_engine = len(timed) * tick * b

    t_after = ceiling(opts.steps - first)
    t_ceiling = t_before + t_after
    return {
        "app": name,
        "phase": "train",
        "setting": f"batch {b}, {cfg.data.size} px, {cfg.data.workers} workers",
        "batch": b,
        "size": cfg.data.size,
        "workers": cfg.data.workers,
        "steps": opts.steps,
        "warmup": opts.warmup,
        "cache": str(getattr(cfg.data, "cache", False)),
        "speed": speed.describe(),
        "pipeline_ips": n_engine / t_engine,
        "ceiling_ips": opts.steps * b / t_ceiling,
        "tick_ips": [round(t["images_per_s"], 3) for t in ticks],  # warm-up ticks first
        "ceiling_halves_ips": [round(first * b / t_before, 3), round((opts.steps - first) * b / t_after, 3)],
        "peak_mb": peak_mb(dev),
        "load_average": [*load, load_average()],  # before and after
        "threads": torch.get_num_threads(),
    }


def measure_run(name: str, device: str, opts: Options) -> dict:
    from gancore.batch import Pipeline, Processor, autocast, process_folder, resolve_precision
    from gancore.cli import _parser  # `run`'s own defaults (tiles, masks, ...) for the processor
    from gancore.gan import build_generator
    from gancore.inference import load_generator

    app, dev = load_app(name), torch.device(device)
    in_dir, out_dir = opts.tmp / "in", opts.tmp / "out"
    side = opts.run_side or RUN_SIDE.get(name)
    files = copy_photos(in_dir, opts.run_images, side)
    if app.default_model.is_file() and opts.config is None:
        task, gen, cfg = load_generator(app.default_model, dev)
        weights = app.default_model.name
    else:  # the cost does not depend on the weights
        from gancore.config import load_config

        cfg = load_config(opts.config or app.default_config)
        task, gen = build_generator(cfg)
        gen = gen.eval().requires_grad_(False).to(dev)
        weights = f"{opts.config.name}, untrained" if opts.config else "untrained (no shipped model)"
    run_args = RUN_SETUP[name](files, in_dir, opts.tmp) if name in RUN_SETUP else []
    argv = ["run", str(in_dir), str(out_dir), "--device", device, "--no-progress", *run_args]
    args = _parser(app).parse_args(argv)
    proc = app.make_processor(task, gen, cfg, args)
    split = isinstance(proc, Processor)
    items = [proc.load(p) for p in files] if split else files  # decoded beforehand: the ceiling reads nothing
    pixels = sum(Image.open(p).width * Image.open(p).height for p in files)

    def ceiling(batch: list) -> float:
        sync(dev)
        t = time.perf_counter()
        with autocast(device, args.precision):
            for item in batch:
                proc(item)
        sync(dev)
        return time.perf_counter() - t

    pipeline = Pipeline.for_device(device)  # `run`'s default threads on this device
    reset_peak(dev)
    load = [load_average()]
    ceiling(items)  # warm-up, every photo once: first-call costs per input size (cuDNN / cuFFT plans, allocator)
    half = len(items) // 2
    t_before = ceiling(items[:half])
    with autocast(device, args.precision):
        report = process_folder(in_dir, out_dir, proc, progress=False, pipeline=pipeline)
    assert report.ok and len(report.done) == len(files), report.summary()
    t_after = ceiling(items[half:])
    t_ceiling = t_before + t_after
    return {
        "app": name,
        "phase": "run",
        "setting": f"{len(files)} photos{f' at {side} px' if side else ''}, {pixels / len(files) / 1e6:.2f} MP each"
        + ("" if split else " (plain processor)"),
        "images": len(files),
        "megapixels": pixels / 1e6,
        "weights": weights,
        "parameters": sum(t.numel() for t in gen.parameters()),
        "run_args": [a if not a.startswith(str(opts.tmp)) else "MASKS" for a in run_args],
        "split_processor": split,
        "readers_writers": [pipeline.readers, pipeline.writers],
        "precision": resolve_precision(device, args.precision),
        "pipeline_ips": len(files) / report.seconds,
        "ceiling_ips": len(files) / t_ceiling,
        "ceiling_halves_ips": [round(half / t_before, 3), round((len(items) - half) / t_after, 3)],
        "pipeline_mpx_s": pixels / 1e6 / report.seconds,
        "ceiling_mpx_s": pixels / 1e6 / t_ceiling,
        "peak_mb": peak_mb(dev),
        "load_average": [*load, load_average()],  # before and after
        "threads": torch.get_num_threads(),
        "cores": os.cpu_count(),
    }
