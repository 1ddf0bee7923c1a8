"""The one training loop. Every app trains through ``train()``; an app only supplies its task.

Reads top to bottom: set up the run folder, build the GAN, resume if asked, then iterate:
fetch a batch, one trainer step, and at ticks log / sample / checkpoint.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import torch
from torch.utils.data import DataLoader
from tqdm import tqdm

from ..config import Config, config_to_dict, save_config
from ..data import BadFileReporter, EndlessSampler, PhotoFolder
from ..errors import UserError
from ..gan import build_gan
from .checkpoint import export_generator, list_checkpoints, load_checkpoint, save_checkpoint
from .logger import ScalarLog
from .samples import save_grid


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
    device: str | None = None,  # "cpu", "cuda", ...; default: cuda when present
    progress: bool = True,  # show the progress bar
) -> RunResult:
    dev = pick_device(device)
    ckpt_dir = run_dir / "checkpoints"
    if resume and not list_checkpoints(ckpt_dir):
        raise UserError(f"--resume: no checkpoint in {ckpt_dir}")
    if not resume and list_checkpoints(ckpt_dir):
        raise UserError(f"{run_dir} already holds checkpoints: pass --resume to continue it, or choose another --out")
    run_dir.mkdir(parents=True, exist_ok=True)
    save_config(cfg, run_dir / "config.json")  # the resolved config, defaults filled in
    cfg_json = config_to_dict(cfg)

    # build the networks, the loss and the trainer from the config
    torch.manual_seed(cfg.train.seed)
    gan = build_gan(cfg).to(dev)
    trainer = cfg.trainer.build(gan)
    sampler = cfg.sampler.build()  # what the sample sheets show (gancore/samplers)
    step = 0
    if resume:
        last = list_checkpoints(ckpt_dir)[-1]
        step = load_checkpoint(last, gan, trainer.optimizers(), trainer)
        print(f"resumed from {last} at step {step}")
    if step >= cfg.train.steps:
        raise UserError(f"the run is already at step {step}; ask for more with --steps N (N > {step})")

    # data: global positions make the crops of step s the same whether or not we resumed
    data = PhotoFolder(data_dir, cfg.data.size, cfg.train.seed, cfg.data.scale_min)
    b = cfg.data.batch
    loader = DataLoader(
        data,
        batch_size=b,
        sampler=EndlessSampler(step * b),
        num_workers=cfg.data.workers,
        pin_memory=dev.type == "cuda",
        persistent_workers=cfg.data.workers > 0,
        prefetch_factor=4 if cfg.data.workers > 0 else None,
    )
    report_bad = BadFileReporter()
    fixed = torch.stack([data[i]["image"] for i in range(min(8, b))]).to(dev)  # same sample rows all run

    log = ScalarLog(run_dir)
    sums: dict[str, torch.Tensor] = {}
    counts: dict[str, int] = {}  # a scalar may be logged by some steps only (a pre-training phase)
    tick_start, tick_step = time.perf_counter(), step
    bar = tqdm(total=cfg.train.steps, initial=step, unit="step", disable=not progress, dynamic_ncols=True)
    gan.generator.train()
    gan.discriminator.train()
    batches = iter(loader)
    try:
        while step < cfg.train.steps:
            # fetch the next real batch; report unreadable files once
            item = next(batches)
            if any(item["bad"]):
                report_bad(item["bad"])
            real = item["image"].to(dev, non_blocking=True)

            # one trainer step (D then G for the alternating trainer)
            logs = trainer.step(real)
            step += 1
            for k, v in logs.items():  # accumulate on the device: no host sync until the tick
                sums[k] = sums.get(k, 0) + v
                counts[k] = counts.get(k, 0) + 1

            # log tick: the only place values come back to the host
            if step % cfg.train.log_every == 0 or step == cfg.train.steps:
                n = step - tick_step
                scalars = {k: float(v) / counts[k] for k, v in sums.items()}
                elapsed = time.perf_counter() - tick_start
                scalars["images_per_s"] = n * b / max(elapsed, 1e-9)
                if not all(math.isfinite(v) for v in scalars.values()):
                    raise UserError(
                        f"training diverged at step {step} (non-finite loss: {scalars}); try a lower learning rate"
                    )
                log.write(step, scalars)
                bar.set_postfix({k: f"{v:.3g}" for k, v in scalars.items()}, refresh=False)
                sums, counts, tick_start, tick_step = {}, {}, time.perf_counter(), step
            bar.update(1)

            if step % cfg.train.sample_every == 0 or step == cfg.train.steps:
                write_samples(gan, fixed, run_dir / "samples" / f"step-{step:06d}.png", sampler, step)
            if step % cfg.train.checkpoint_every == 0 or step == cfg.train.steps:
                write_checkpoint(gan, trainer, step, cfg_json, run_dir, cfg.train.keep_checkpoints)
    finally:
        bar.close()
        log.close()
    return RunResult(run_dir, step, list_checkpoints(ckpt_dir)[-1], run_dir / "generator.safetensors")


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


def write_checkpoint(gan, trainer, step: int, cfg_json: dict, run_dir: Path, keep: int) -> None:
    """A resumable checkpoint, the generator export beside it, and old checkpoints pruned."""
    ckpt_dir = run_dir / "checkpoints"
    save_checkpoint(ckpt_dir / f"step-{step:06d}.safetensors", gan, trainer.optimizers(), step, cfg_json, trainer)
    export_generator(run_dir / "generator.safetensors", gan.inference_generator, step, cfg_json)  # EMA if on
    for old in list_checkpoints(ckpt_dir)[:-keep]:
        old.unlink()
