"""The ``tricks`` section of a config: GAN-training heuristics, each a switch (all off by default).

    "tricks": {
      "label_smoothing": 0.1,                       one-sided: real labels 1 -> 0.9
      "real_label_range": [0.7, 1.2],               gan-hacks / GAGA random labels (real)
      "fake_label_range": [0.0, 0.3],               ... (fake)
      "flip_labels": 0.05,                          noisy labels: each sample's label flipped with p
      "r_instance_noise_sigma": 0.1,                instance noise on D's real input ...
      "f_instance_noise_sigma": 0.1,                ... and fake input (GAGA's names; -1 = none)
      "noise_anneal_steps": 2000,                   sigma falls linearly to 0 over this many steps
      "d_batches": "separate",                      or "mixed": one D forward over real+fake
      "init": "dcgan",                              N(0, 0.02) weights (DCGAN)
      "augment": ["color", "translation", "cutout"],DiffAugment on real and fake D inputs
      "ema": 0.999                                  EMA copy of G for samples and export
    }

Label tricks need a loss with labels (standard, minimax, least_squares); ``augment`` needs image
inputs ``(C, H, W)``. The latent distribution (Gaussian vs uniform, the seed's first hack) is the
``latent`` section's ``type``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..errors import ConfigError
from ..options import alias

AugmentOp = Literal["color", "translation", "cutout"]


def _check_range(name: str, value: tuple[float, float] | None) -> None:
    if value is not None and value[0] > value[1]:
        raise ConfigError(f"tricks.{name}", f"expected [low, high] with low <= high, got {list(value)}")


@dataclass(frozen=True)
class TricksConfig:
    label_smoothing: float = 0.0  # one-sided: real labels become 1 - label_smoothing
    real_label_range: tuple[float, float] | None = None  # real labels ~ U[low, high] per sample
    fake_label_range: tuple[float, float] | None = None  # fake labels ~ U[low, high] per sample
    flip_labels: float = alias("noisy_labels", default=0.0)  # probability a sample's D label is flipped
    real_noise_sigma: float = alias("r_instance_noise_sigma", default=0.0)  # Gaussian noise on real D inputs
    fake_noise_sigma: float = alias("f_instance_noise_sigma", default=0.0)  # Gaussian noise on fake D inputs
    noise_anneal_steps: int = 0  # 0: constant sigma; N: sigma * (1 - step / N), then 0
    d_batches: Literal["separate", "mixed"] = "separate"  # D sees real and fake in two forwards, or one
    init: Literal["default", "dcgan"] = "default"  # "dcgan": N(0, 0.02) weights, N(1, 0.02) norm scales
    augment: tuple[AugmentOp, ...] = ()  # DiffAugment policy, applied to every D input (real and fake)
    augment_translation: float = 0.125  # max shift, fraction of the side
    augment_cutout: float = 0.5  # cut-out square side, fraction of the side
    ema: float | None = alias("ema_decay", default=None)  # decay of the EMA copy of G; null: no EMA
    ema_start: int = 0  # G steps before averaging starts (the copy follows G exactly until then)

    def __post_init__(self):
        _check_range("real_label_range", self.real_label_range)
        _check_range("fake_label_range", self.fake_label_range)
        if not 0 <= self.flip_labels <= 1:
            raise ConfigError("tricks.flip_labels", f"must be a probability in [0, 1], got {self.flip_labels}")
        if not 0 <= self.label_smoothing < 1:
            raise ConfigError("tricks.label_smoothing", f"must be in [0, 1), got {self.label_smoothing}")
        if self.noise_anneal_steps < 0:
            raise ConfigError("tricks.noise_anneal_steps", f"must be 0 or more, got {self.noise_anneal_steps}")
        if self.ema is not None and not 0 < self.ema < 1:
            raise ConfigError("tricks.ema", f"must be in (0, 1), e.g. 0.999, got {self.ema}")

    @property
    def uses_labels(self) -> bool:
        return bool(self.label_smoothing or self.real_label_range or self.fake_label_range or self.flip_labels)
