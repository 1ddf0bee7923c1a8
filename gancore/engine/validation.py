"""Scores on the validation photos while training: the same fixed crops and draws at every check.

At each check (step 0, every ``train.val_every`` steps, the end) the generator is run on fixed crops
of the held-out photos (``data/split.py``) and the task scores it with its own measures
(``validation_scores``: the colorizer's PSNR and colourfulness, the upscaler's Y-PSNR and sharpness,
the inpainter's hole PSNR and texture). The task's condition is made once, from a fixed seed, so the
random parts (the inpainter's masks, the upscaler's degradations) are the same at every check and
every resume: scores differ only because the model did.

A task may supply (all optional; the core knows nothing of colour, masks or scales):

- ``validation_pair(real) -> Pair``: the pair to score on (default: ``condition(real)``; the colorizer
  drops its simulated hints, so it is scored in automatic mode);
- ``validation_scores(condition, output, target) -> dict[str, float]``: means over the batch
  (default: RGB PSNR of ``to_rgb``);
- ``validation_summary(means) -> dict[str, float]``: measures made from the means over the photos (the
  upscaler's ``faithful_brisque`` from its mean BRISQUE and mean gain over bicubic), added to them;
- ``validation_baseline(condition) -> output``: the classical method's output (gray, bicubic, the
  first fill), scored the same way, as the "baseline" row;
- ``measures: dict[str, str]``: each score's better direction, ``"higher"`` or ``"lower"``, and
  ``headline``: the measure the best model is chosen by (``train.select`` may name another).
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from ..data import read_rgb
from ..errors import ConfigError
from ..tasks.base import Pair

MAX_CROPS = 64  # crops per check in all: the cost of a check is bounded whatever the folder holds


def rgb_psnr(output: torch.Tensor, target: torch.Tensor) -> float:
    """PSNR (dB) between two RGB ``(B, 3, H, W)`` batches in [-1, 1], on 0..1, over all their pixels
    (the validator calls it once per photo, on that photo's crops)."""
    mse = ((output.clamp(-1, 1) - target.clamp(-1, 1)) / 2).square().mean()
    return float(10 * torch.log10(1.0 / mse.clamp_min(1e-10)))


def fixed_crops(files: list[Path], size: int, per_photo: int, seed: int) -> torch.Tensor:
    """``per_photo`` crops of ``size`` px from each photo (resized so its short side is at most ``2 * size``,
    never below ``size``): the centre first, then places drawn from the photo's name. ``(N, 3, S, S)`` in
    [-1, 1]."""
    crops = []
    for path in files:
        im = Image.fromarray(read_rgb(path))
        short = max(size, min(min(im.size), 2 * size))
        f = short / min(im.size)
        if f != 1:
            im = im.resize((max(size, round(im.width * f)), max(size, round(im.height * f))), Image.Resampling.LANCZOS)
        a = np.asarray(im)
        h, w = a.shape[:2]
        rng = np.random.default_rng([seed, zlib.crc32(path.name.encode())])
        places = [((h - size) // 2, (w - size) // 2)]
        for _ in range(per_photo - 1):
            places.append((int(rng.integers(0, h - size + 1)), int(rng.integers(0, w - size + 1))))
        crops += [a[y : y + size, x : x + size] for y, x in places]
    x = torch.from_numpy(np.stack(crops)).permute(0, 3, 1, 2).float()
    return x / 127.5 - 1


def _mean_of_finite(values: list[float]) -> float:
    """The mean of the numbers that are not NaN (a photo a measure cannot score), NaN when none is."""
    kept = [v for v in values if v == v]
    return float(np.mean(kept)) if kept else float("nan")


@dataclass(frozen=True)
class Rule:
    """How the best model is chosen: one measure and its direction."""

    measure: str
    higher: bool

    def better(self, a: float, b: float | None) -> bool:
        """Whether score ``a`` beats ``b`` (``None``: nothing yet); ties keep the earlier model."""
        if b is None:
            return math.isfinite(a)
        return math.isfinite(a) and (a > b if self.higher else a < b)

    @property
    def direction(self) -> str:
        """Which way the measure is better: ``"higher"`` or ``"lower"``."""
        return "higher" if self.higher else "lower"

    def describe(self) -> str:
        return f"the highest {self.measure}" if self.higher else f"the lowest {self.measure}"


def rule_for(task, select: str = "") -> Rule:
    """The task's headline measure, or ``train.select``'s (a ConfigError lists the task's measures)."""
    measures: dict[str, str] = getattr(task, "measures", {"psnr": "higher"})
    name = select or getattr(task, "headline", next(iter(measures)))
    if name not in measures:
        raise ConfigError("train.select", f"unknown measure '{name}' (the {task.name} task scores: "
                                          f"{', '.join(sorted(measures))})")  # fmt: skip
    return Rule(name, measures[name] == "higher")


class Validator:
    """The fixed validation batch of a run and how to score a generator on it."""

    def __init__(self, task, files: list[Path], size: int, crops: int, seed: int, device, latent_dim: int = 0):
        self.task, self.files, self.device = task, files, device
        per_photo = max(1, min(crops, MAX_CROPS // max(1, len(files))))
        self.per_photo = per_photo
        real = fixed_crops(files, size, per_photo, seed).to(device)
        make = getattr(task, "validation_pair", task.condition)
        with torch.random.fork_rng(devices=[device] if torch.device(device).type == "cuda" else []):
            torch.manual_seed(seed)
            self.pair: Pair = make(real)
            self.latent = torch.randn(real.shape[0], latent_dim, device=device) if latent_dim else None

    @property
    def crops(self) -> int:
        return int(self.pair.target.shape[0])

    def scores(self, output: torch.Tensor) -> dict[str, float]:
        """The task's scores of ``output`` (target-shaped, composed) against the crops' truth: each photo's
        crops scored together, then the mean over photos (as ``eval`` averages over images)."""
        score = getattr(self.task, "validation_scores", None)
        found: list[dict[str, float]] = []
        for i in range(0, self.crops, self.per_photo):
            part = np.s_[i : i + self.per_photo]
            cond, target, out = self.pair.condition[part], self.pair.target[part], output[part]
            if score is not None:
                found.append(score(cond, out, target))
            else:
                found.append({"psnr": rgb_psnr(self.task.to_rgb(cond, out), self.task.to_rgb(cond, target))})
        means = {k: _mean_of_finite([f[k] for f in found]) for k in found[0]}
        summary = getattr(self.task, "validation_summary", None)
        return {**means, **summary(means)} if summary is not None else means

    @torch.no_grad()
    def outputs(self, net, make, chunk: int = 16) -> torch.Tensor:
        """``make(condition, latent)`` over the crops in chunks, ``net`` in eval mode meanwhile."""
        was = net.training
        net.eval()
        try:
            outs = []
            for i in range(0, self.crops, chunk):
                z = None if self.latent is None else self.latent[i : i + chunk]
                outs.append(make(self.pair.condition[i : i + chunk], z).float())
            return torch.cat(outs)
        finally:
            net.train(was)

    def score(self, gan) -> dict[str, float]:
        """The scores of a training run's generator: its EMA copy when there is one (what is exported)."""
        return self.scores(self.outputs(gan.inference_generator, lambda c, z: gan.generate(c, z, ema=True)))

    def loaded_outputs(self, task, gen) -> torch.Tensor:
        """The outputs of a generator loaded from a file (``gancore.inference.load_generator``)."""
        compose = getattr(task, "compose", None)

        def make(c: torch.Tensor, z: torch.Tensor | None) -> torch.Tensor:
            raw = gen({"condition": c} if z is None else {"condition": c, "latent": z})
            return compose(c, raw) if compose is not None else raw

        return self.outputs(gen, make)

    def baseline(self) -> dict[str, float] | None:
        """The classical method's scores on the same batch, if the task has one."""
        make = getattr(self.task, "validation_baseline", None)
        return None if make is None else self.scores(make(self.pair.condition))
