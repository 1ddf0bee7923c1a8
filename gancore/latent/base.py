"""The latent-distribution registry and the options every distribution shares.

``dim`` is always the size of the vector G sees (after projections, one-hot, ...); 0 means none.
A distribution has ``dim`` and ``sample(batch, device) -> (batch, dim)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ConfigError
from ..registry import Registry

LATENTS: Registry[type] = Registry("latent distribution")


@dataclass(frozen=True)
class LatentOptions:
    dim: int = 0  # size of the vector z; 0: the generator gets no latent
    min: float = -1.0  # uniform only
    max: float = 1.0  # uniform only

    def __post_init__(self):
        if self.dim < 0:
            raise ConfigError("latent.dim", f"must be 0 or more, got {self.dim}")
        if self.min >= self.max:
            raise ConfigError("latent.min", f"must be below max ({self.max}), got {self.min}")
