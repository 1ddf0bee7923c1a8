"""The one training loop. Every app trains through ``train()``; an app only supplies its task.

Reads top to bottom: set up the run folder, set aside the held-out photos, build the GAN, resume if
asked, score the start, then iterate: fetch a batch, one trainer step, and at ticks log / sample /
score on the held-out photos (the best model so far is ``generator.safetensors``) / checkpoint; at the
end, ``report.json`` with the verdict. ``train.minutes`` fits the steps, the checks and the learning
rate schedule to a time budget after measuring the first steps.

Under ``torchrun`` every process runs this loop on its own shard of the data (``distributed.py``);
only rank 0 logs and writes files. ``data.batch`` is per process.
"""

from __future__ import annotations

import json
import math
import os
import random
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader
from tqdm import tqdm

from ..config import Config, config_to_dict, save_config
from ..data import BadFileReporter, EndlessSampler, PhotoFolder
from ..data.split import Split
from ..errors import UserError
from ..gan import build_gan
from .budget import Budget
from .checkpoint import (
    export_generator,
    list_checkpoints,
    load_checkpoint,
    read_metadata,
    remove_stale_temporaries,
    samples_consumed,
    save_checkpoint,
)
from .distributed import (
    World,
    all_mean,
    average_buffers,
    barrier,
    broadcast_state,
    close_world,
    dump_rank_weights,
    init_world,
    stop_flag,
)
from .init import init_generator
from .logger import ScalarLog
from .plan import held_out, reference_scores, with_replay
from .samples import save_grid
from .speed import resolve_speed
from .validation import Validator, rule_for
from .verdict import finish
from .watch import Watch


@dataclass(frozen=True)
class RunResult:
    run_dir: Path  # the run folder
    step: int  # the step training stopped at
    checkpoint: Path  # the last checkpoint written
    generator: Path  # generator.safetensors: the weights `run` and `demo` load


def default_run_dir(task: str, root: Path = Path("runs")) -> Path:
    """``runs/<task>-YYYYmmdd-HHMMSS``: run folders sort by time."""
    return root / f"{task}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"


def pick_device(name: str | None = None) -> torch.device:
    if name:
        return torch.device(name)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def train(
    cfg: Config,  # the resolved config (CLI overrides already applied)
    data_dir: Path,  # folder of training photos (searched recursively)
    run_dir: Path,  # where config, logs, samples and checkpoints go
    resume: bool = False,  # continue from the last checkpoint in run_dir
    device: str | None = None,  # "cpu", "cuda", ...; default: cuda when present (under torchrun: cuda:LOCAL_RANK)
    progress: bool = True,  # show the progress bar
    split: Split | None = None,  # the held-out photos (data/split.py); default: split_folder(data_dir)
    reference: Path | None = None,  # the app's shipped model, scored beside the run when it fits its task
) -> RunResult:
    """Train ``cfg`` on the photos in ``data_dir``; under ``torchrun`` each process runs this with its rank."""
    world, dev = init_world(pick_device(device))  # a single process unless torchrun started several
    try:
        return _train(cfg, data_dir, run_dir, resume, dev, progress, world, split, reference)
    finally:
        close_world(world)


def _train(
    cfg: Config,
    data_dir: Path,
    run_dir: Path,
    resume: bool,
    dev,
    progress: bool,
    world: World,
    split: Split | None = None,
    reference: Path | None = None,
) -> RunResult:
    budget = Budget(cfg.train.minutes)  # the clock starts now: setup and checks count
    main = world.main  # rank 0 logs and writes files; the others only train
    ckpt_dir = run_dir / "checkpoints"
    if resume and not list_checkpoints(ckpt_dir):
        raise UserError(f"--resume: no checkpoint in {ckpt_dir}")
    if not resume and list_checkpoints(ckpt_dir):
        raise UserError(f"{run_dir} already holds checkpoints: pass --resume to continue it, or choose another --out")
    if main:
        run_dir.mkdir(parents=True, exist_ok=True)
        save_config(cfg, run_dir / "config.json")  # the resolved config, defaults filled in (atomic)
        for path in remove_stale_temporaries(ckpt_dir) + remove_stale_temporaries(run_dir):
            print(f"removed {path}, left by an interrupted write")
    split = held_out(run_dir, data_dir, split, resume, cfg.train.seed, write=main)  # same photos on a resume
    if main:
        print(split.note)
    cfg_json = config_to_dict(cfg)
    speed = resolve_speed(cfg.train, dev)  # bf16 autocast, channels-last, torch.compile
    if cfg.train.threads:
        torch.set_num_threads(cfg.train.threads)

    # build the networks, the loss and the trainer from the config
    torch.manual_seed(cfg.train.seed)
    gan = build_gan(cfg).to(dev)
    fresh = []  # keys of G that did not come from the init model (a new head): then the start is no model
    if cfg.train.init_generator and not resume:
        fresh = init_generator(gan, Path(cfg.train.init_generator), cfg.train.init_partial)
    trainer = cfg.trainer.build(gan)
    sampler = cfg.sampler.build()  # what the sample sheets show (gancore/samplers)
    b, w = cfg.data.batch, world.size  # images per process per step, processes
    step, start = 0, 0  # the trainer step and the data position (images read by all ranks) to start from
    if resume:
        last = list_checkpoints(ckpt_dir)[-1]
        step = load_checkpoint(last, gan, trainer.optimizers(), trainer)
        start = samples_consumed(last, default=step * b)  # older checkpoints: one process, this batch
        if main:
            print(f"resumed from {last} at step {step}")
    if step >= cfg.train.steps:
        raise UserError(f"the run is already at step {step}; ask for more with --steps N (N > {step})")
    # the held-out photos: scored by rank 0 at step 0 (the start and the baseline) and at every check
    rule = rule_for(gan.task, cfg.train.select)
    watch = None
    if main and split.val:
        validator = Validator(gan.task, split.val, cfg.data.size, cfg.train.val_crops, cfg.train.seed, dev,
                              cfg.latent.options.dim)  # fmt: skip
        watch = Watch(validator, rule, cfg.train.stop_drop, start_is_model=not fresh)
        if resume:
            watch.load_state(json.loads(read_metadata(last).get("validation", "{}")))
    broadcast_state(gan.generator, gan.discriminator, gan.ema)  # every rank starts from rank 0's weights
    # each rank its own random stream (random conditioning, latents); rank 0 resumes the checkpoint's
    if not resume:
        seed_everything(cfg.train.seed + world.rank)
    elif world.rank:
        seed_everything(seed_for(cfg.train.seed, world, step))
    speed.prepare(gan)
    if main and (speed.dtype is not None or speed.channels_last or speed.compile or w > 1):
        print(f"training on {w} x {dev.type}: {speed.describe()}, {b} images per process and step")

    # data: global positions; rank r reads start + r, start + r + w, ... so a step's w batches
    # together are what one process with batch w * b would read, and a resume continues exactly
    data = PhotoFolder(
        data_dir,
        cfg.data.size,
        cfg.train.seed,
        cfg.data.scale_min,
        cache=cfg.data.cache,
        upscale=cfg.data.upscale,
        files=split.train,
    )
    data = with_replay(data, cfg, split.val, main, ranks=w)
    # a shipped model's config asks for the workers of the machine it trained on; more than this one has
    # cores only slows it (what a worker reads depends on the position alone, so resume is unchanged)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1  # Linux / others
    workers = min(cfg.data.workers, cores)
    loader = DataLoader(
        data,
        batch_size=b,
        sampler=EndlessSampler(start + world.rank, w),
        num_workers=workers,
        pin_memory=dev.type == "cuda",
        persistent_workers=workers > 0,
        prefetch_factor=4 if workers > 0 else None,
        # the workers' base seed comes from this generator, not the global one: starting the loader
        # must not consume the training stream (dropout, latents, masks), or a resume would drift.
        # The data's own randomness derives from (seed, position) alone (PhotoFolder).
        generator=torch.Generator().manual_seed(cfg.train.seed + world.rank),
    )
    report_bad = BadFileReporter()
    fixed = torch.stack([data[i]["image"] for i in range(min(8, b))]).to(dev) if main else None  # sample rows

    log = ScalarLog(run_dir, after=step if resume else None) if main else None
    if watch is not None and not resume:
        checked = time.perf_counter()
        scalars = watch.begin(gan)
        watch.reference = reference_scores(reference, cfg, watch)
        export_generator(run_dir / "generator.safetensors", gan.inference_generator, 0, cfg_json)  # the best so far
        budget.check_cost = time.perf_counter() - checked
        log.write(0, scalars)
        print(f"step 0 on {watch.validator.crops} held-out crops: " + ", ".join(
            f"{k} {v:.3f}" for k, v in scalars.items() if k.startswith(("val/", "val_baseline/"))))  # fmt: skip
    total, val_every, ckpt_every = cfg.train.steps, cfg.train.val_every or cfg.train.checkpoint_every, None
    sums: dict[str, torch.Tensor] = {}
    counts: dict[str, int] = {}  # a scalar may be logged by some steps only (a pre-training phase)
    tick_start, tick_step, first_step = time.perf_counter(), step, step
    bar = tqdm(total=total, initial=step, unit="step", disable=not (progress and main), dynamic_ncols=True)
    gan.generator.train()
    gan.discriminator.train()
    batches = iter(loader)
    stop_reason, tick = None, None
    try:
        while step < total:
            # fetch the next real batch (decoded by the workers, pinned on CUDA); report unreadable files once
            item = next(batches)
            if any(item["bad"]):
                report_bad(item["bad"])
            real = speed.batch(item["image"].to(dev, non_blocking=True))

            # one trainer step (D then G for the alternating trainer); the forwards under autocast
            with speed.autocast():
                logs = trainer.step(real)
            step += 1
            if budget.active and not resume and budget.fitted is None and budget.ready(step - first_step):
                # the time budget: steps, checks and the LR schedule fitted to the minutes left
                plan = budget.fit(step, first_step, total)
                total, val_every, ckpt_every = plan.steps, plan.every, plan.every
                cfg = plan.apply(cfg, trainer)
                cfg_json = config_to_dict(cfg)
                if main:
                    save_config(cfg, run_dir / "config.json")  # a resume continues the same plan
                bar.total = total
                bar.write(plan.describe())
            for k, v in logs.items():  # accumulate on the device: no host sync until the tick
                sums[k] = sums.get(k, 0) + v.float()
                counts[k] = counts.get(k, 0) + 1

            # log tick: the only place values come back to the host (averaged over the ranks)
            synced = False
            if step % cfg.train.log_every == 0 or step == total:
                scalars = tick_scalars(sums, counts)
                average_buffers(gan.generator, gan.discriminator, gan.ema)  # BatchNorm statistics agree
                synced = True
                elapsed = time.perf_counter() - tick_start
                scalars["images_per_s"] = (step - tick_step) * b * w / max(elapsed, 1e-9)  # all ranks
                if not all(math.isfinite(v) for v in scalars.values()):
                    best = run_dir / "generator.safetensors"
                    scored = watch is not None and watch.best is not None
                    kept = f"; the best model so far (step {watch.best_step}) is kept in {best}" if scored else ""
                    raise UserError(
                        f"training diverged at step {step} (non-finite loss: {scalars}); try a lower learning rate"
                        + kept
                    )
                if log is not None:
                    log.write(step, scalars)
                tick = scalars  # D's outputs for the next check (does D win outright?)
                shown = {k: f"{v:.3g}" for k, v in scalars.items()}
                if watch is not None:
                    shown.update(watch.postfix())
                if budget.active:
                    shown["left"] = budget.left()
                bar.set_postfix(shown, refresh=False)
                sums, counts, tick_start, tick_step = {}, {}, time.perf_counter(), step
            bar.update(1)

            if budget.over() and step < total:  # slower than measured (a loaded machine): end here, cleanly
                bar.write(f"the time budget of {cfg.train.minutes:g} minutes is spent: stopping at step {step}")
                total = step
            if main and (step % cfg.train.sample_every == 0 or step == total):
                write_samples(gan, fixed, run_dir / "samples" / f"step-{step:06d}.png", sampler, step)
            checking = step % val_every == 0 or step == total
            if checking and not synced:
                average_buffers(gan.generator, gan.discriminator, gan.ema)  # every rank's G agrees before scoring
                synced = True
            if checking and watch is not None:
                scalars, improved, stop_reason = watch.check(step, gan, tick)
                log.write(step, scalars)
                if improved:
                    export_generator(run_dir / "generator.safetensors", gan.inference_generator, step, cfg_json)
                bar.set_postfix(watch.postfix(), refresh=False)
            if checking and stop_reason is not None:
                kept = f"the best model (step {watch.best_step})" if watch.best else "no model (none scored)"
                bar.write(f"stopping at step {step}: {stop_reason}; keeping {kept}")
            stop = checking and stop_flag(stop_reason is not None, world)  # every rank stops together
            if step % (ckpt_every or cfg.train.checkpoint_every) == 0 or step == total or stop:
                if not synced:
                    average_buffers(gan.generator, gan.discriminator, gan.ema)
                if main:
                    consumed = start + (step - first_step) * b * w
                    extra = {"validation": watch.state()} if watch is not None else None
                    write_checkpoint(gan, trainer, step, cfg_json, run_dir, cfg.train.keep_checkpoints, consumed,
                                     extra, kept=watch is not None)  # fmt: skip
                barrier(world)  # the checkpoint is on disk before any rank goes on (or returns its path)
            if stop:
                break
    finally:
        bar.close()
        if log is not None:
            log.close()
    if watch is not None:
        finish(run_dir, data_dir, split, watch, gan.task, cfg, reference)  # report.json, report.png, the verdict
    dump_rank_weights(gan, world)  # GANCORE_DUMP_RANK_WEIGHTS=DIR: each rank's final weights (tests)
    return RunResult(run_dir, step, list_checkpoints(ckpt_dir)[-1], run_dir / "generator.safetensors")


def seed_everything(seed: int) -> None:
    """torch's, NumPy's and Python's global generators from one seed: a checkpoint stores all three,
    so a run's whole random state is reproducible (a resume restores it from the checkpoint)."""
    torch.manual_seed(seed)
    np.random.seed(seed % 2**32)
    random.seed(seed)


def seed_for(seed: int, world: World, step: int) -> int:
    """A rank's seed for a multi-process run resumed at ``step`` (rank 0 keeps the checkpoint's state)."""
    return int(np.random.SeedSequence([seed, world.rank, step]).generate_state(1)[0])


def tick_scalars(sums: dict[str, torch.Tensor], counts: dict[str, int]) -> dict[str, float]:
    """The means of the accumulated logs since the last tick, averaged over ranks: one host sync."""
    if not sums:
        return {}
    keys = sorted(sums)
    stacked = torch.stack([torch.as_tensor(sums[k]).float() / counts[k] for k in keys])  # (K,)
    return dict(zip(keys, all_mean(stacked).tolist()))


@torch.no_grad()
def write_samples(gan, real: torch.Tensor, path: Path, sampler=None, step: int = 0) -> None:
    """The sampler's sheet for the fixed sample batch (default: condition | output | target), G in eval mode.

    Outputs come from the EMA generator when the ``ema`` trick is on. The sheet draws its latents
    from its own seeded RNG, so sampling never changes the training's random stream.
    """
    if sampler is None:
        sampler = gan.config.sampler.build()
    net = gan.inference_generator
    was_training = net.training
    net.eval()
    try:
        with torch.random.fork_rng(devices=[real.device] if real.device.type == "cuda" else []):
            torch.manual_seed(gan.config.train.seed)
            columns = sampler.sheet(gan, gan.task.condition(real), step)
        save_grid(columns, path)
    finally:
        net.train(was_training)


def write_checkpoint(
    gan,
    trainer,
    step: int,
    cfg_json: dict,
    run_dir: Path,
    keep: int,
    samples: int | None = None,
    extra: dict | None = None,
    kept: bool = False,
) -> None:
    """A resumable checkpoint (``samples``: the data position reached; ``extra``: more state), the generator
    export beside it, and old checkpoints pruned. ``kept``: ``generator.safetensors`` is the best model,
    written by the validation; the last one goes to ``generator-last.safetensors`` instead."""
    ckpt_dir = run_dir / "checkpoints"
    path = ckpt_dir / f"step-{step:06d}.safetensors"
    save_checkpoint(path, gan, trainer.optimizers(), step, cfg_json, trainer, samples, extra)
    export = "generator-last.safetensors" if kept else "generator.safetensors"
    export_generator(run_dir / export, gan.inference_generator, step, cfg_json)  # EMA if on
    for old in list_checkpoints(ckpt_dir)[:-keep]:
        old.unlink()
