"""Latent distributions: ``"latent": {"type": "gaussian", "dim": 64}`` (``dim: 0`` means none)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .registry import Registry

LATENTS: Registry[type] = Registry("latent distribution")


@dataclass(frozen=True)
class LatentOptions:
    dim: int = 0  # size of the vector z; 0: the generator gets no latent
    min: float = -1.0  # uniform only
    max: float = 1.0  # uniform only


@LATENTS.register("gaussian")
class Gaussian:
    """z ~ N(0, 1), shape ``(B, dim)``; the seed's advice over uniform."""

    Options = LatentOptions

    def __init__(self, options: LatentOptions):
        self.dim = options.dim

    def sample(self, batch: int, device: torch.device | str = "cpu") -> torch.Tensor:
        return torch.randn(batch, self.dim, device=device)


@LATENTS.register("uniform")
class Uniform:
    """z ~ U(min, max), shape ``(B, dim)``."""

    Options = LatentOptions

    def __init__(self, options: LatentOptions):
        self.dim, self.lo, self.hi = options.dim, options.min, options.max

    def sample(self, batch: int, device: torch.device | str = "cpu") -> torch.Tensor:
        return torch.rand(batch, self.dim, device=device) * (self.hi - self.lo) + self.lo
