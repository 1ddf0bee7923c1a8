"""Train one config on its 2-D dataset and measure it.

The toy driver calls ``trainer.step`` in its own small loop rather than the engine's: the engine
reads photo folders and writes image sheets, while 2-D points are drawn on the fly and measured
in memory. Everything that trains (``build_gan``, ``cfg.trainer.build``, losses, penalties,
tricks) is what the image apps use. As in the engine, values reach the host only at log ticks.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import torch

from ..config import Config
from ..gan import GAN, build_gan
from .measure import Measure, measure


@dataclass
class ToyRun:
    config: Config
    gan: GAN
    measure: Measure
    history: dict[str, list[float]] = field(default_factory=dict)  # "step" and each logged scalar, per tick
    steps: int = 0  # steps actually trained (fewer if it diverged)
    seconds: float = 0.0  # training time (measurement excluded)
    diverged: bool = False

    @property
    def seconds_per_1000(self) -> float:
        return 1000.0 * self.seconds / max(self.steps, 1)


@torch.no_grad()
def generate_points(gan: GAN, n: int) -> torch.Tensor:
    """``n`` generated points ``(n, 2)`` from the inference generator (EMA if on), in eval mode."""
    net = gan.inference_generator
    was = net.training
    net.eval()
    try:
        dev = next(net.parameters()).device
        return gan.generate(torch.zeros(n, 0, device=dev), ema=True)
    finally:
        net.train(was)


def train_toy(cfg: Config, steps: int | None = None, samples: int = 2000, device: str = "cpu") -> ToyRun:
    """Train ``cfg`` (a ``toy2d`` task) for ``steps`` (default ``train.steps``) and measure it."""
    steps = cfg.train.steps if steps is None else steps
    torch.manual_seed(cfg.train.seed)
    gan = build_gan(cfg).to(device)
    trainer = cfg.trainer.build(gan)
    task = gan.task
    data = torch.Generator().manual_seed(cfg.train.seed + 1)  # the data stream, apart from the model's RNG
    history: dict[str, list[float]] = {"step": []}
    sums: dict[str, torch.Tensor] = {}
    last_tick, done, diverged = 0, 0, False
    start = time.perf_counter()
    for step in range(1, steps + 1):
        real = task.sample(cfg.data.batch, data).to(device)
        logs = trainer.step(real)
        done = step
        for k, v in logs.items():  # accumulate on the device: no host sync until the tick
            sums[k] = sums.get(k, 0) + v
        if step % cfg.train.log_every == 0 or step == steps:
            n = step - last_tick
            values = {k: float(v) / n for k, v in sums.items()}
            history["step"].append(step)
            for k, v in values.items():
                history.setdefault(k, []).append(v)
            sums, last_tick = {}, step
            if not all(math.isfinite(v) for v in values.values()):
                diverged = True
                break
    seconds = time.perf_counter() - start
    real = task.sample(samples, data).to(device)
    fake = generate_points(gan, samples)
    return ToyRun(cfg, gan, measure(task.toy, fake, real), history, done, seconds, diverged)
