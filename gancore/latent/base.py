"""The latent-distribution registry and the options every distribution shares.

``dim`` is always the size of the vector G sees (after projections, one-hot, ...); 0 means none.
A distribution has ``dim`` and ``sample(batch, device) -> (batch, dim)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import ConfigError
from ..registry import Registry

LATENTS: Registry[type] = Registry("latent distribution")


MAX_DIM = 2**20  # a latent vector of at most ~1 M values per sample


@dataclass(frozen=True)
class LatentOptions:
    dim: int = 0  # size of the vector z; 0: the generator gets no latent
    min: float = -1.0  # uniform only
    max: float = 1.0  # uniform only

    def __post_init__(self):
        if not 0 <= self.dim <= MAX_DIM:
            raise ConfigError("latent.dim", f"must be between 0 and {MAX_DIM}, got {self.dim}")
        if not (math.isfinite(self.min) and math.isfinite(self.max)):
            raise ConfigError("latent.min", f"min and max must be finite, got {self.min} and {self.max}")
        if self.min >= self.max:
            raise ConfigError("latent.min", f"must be below max ({self.max}), got {self.min}")
