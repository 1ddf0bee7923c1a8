"""The tricks a trainer applies at run time, built from ``TricksConfig``.

tricks = Tricks(cfg.tricks)
x = tricks.judged(x, "real", step)         # D's input: DiffAugment, then annealed instance noise
labels = tricks.labels(d_real, d_fake)      # None unless a label trick is on
"""

from __future__ import annotations

import torch

from ..errors import ConfigError
from ..losses.base import Labels
from .augment import diff_augment
from .config import TricksConfig
from .labels import make_labels
from .noise import annealed_sigma, instance_noise


class Tricks:
    def __init__(self, cfg: TricksConfig | None = None):
        self.cfg = cfg = cfg or TricksConfig()
        self.mixed = cfg.d_batches == "mixed"  # one D forward over [real; fake]

    def check(self, loss, judged_shape: tuple[int, ...]) -> None:
        """ConfigErrors for tricks the loss or the task cannot use."""
        if self.cfg.uses_labels and not getattr(loss, "uses_labels", False):
            raise ConfigError(
                "tricks",
                f"label smoothing / noisy labels need a loss with labels (standard, minimax, least_squares); "
                f"{type(loss).__name__} has none",
            )
        if self.cfg.augment and len(judged_shape) != 3:
            raise ConfigError("tricks.augment", f"DiffAugment needs image inputs (C, H, W); D sees {judged_shape}")

    def labels(self, d_real: torch.Tensor, d_fake: torch.Tensor) -> Labels | None:
        return make_labels(self.cfg, d_real, d_fake) if self.cfg.uses_labels else None

    def sigma(self, kind: str, step: int) -> float:
        """Instance-noise sigma for ``kind`` ("real" or "fake") at trainer step ``step``."""
        sigma = self.cfg.real_noise_sigma if kind == "real" else self.cfg.fake_noise_sigma
        return annealed_sigma(sigma, step, self.cfg.noise_anneal_steps)

    def judged(self, x: torch.Tensor, kind: str, step: int) -> torch.Tensor:
        """D's input ``x`` ``(B, ...)`` after DiffAugment and instance noise (unchanged if both are off)."""
        if self.cfg.augment:
            x = diff_augment(x, self.cfg.augment, self.cfg.augment_translation, self.cfg.augment_cutout)
        return instance_noise(x, self.sigma(kind, step))
