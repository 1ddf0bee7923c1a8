"""The latent distributions: ``"latent": {"type": "uniform", "dim": 64, "projections": ["identity", "sphere"]}``.

Every one returns ``(B, dim)`` float32 on the asked device.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch

from ..errors import ConfigError
from .base import LATENTS, LatentOptions
from .projections import project

Projection = Literal["identity", "gaussian", "sphere", "modal", "binary", "modal_gaussian", "modal_sphere", "periodic"]


@LATENTS.register("gaussian", "normal")
class Gaussian:
    """z ~ N(0, 1), shape ``(B, dim)``; the seed's advice over uniform. (``min``/``max`` are ignored.)"""

    Options = LatentOptions

    def __init__(self, options: LatentOptions):
        self.dim = options.dim

    def sample(self, batch: int, device: torch.device | str = "cpu") -> torch.Tensor:
        return torch.randn(batch, self.dim, device=device)


@dataclass(frozen=True)
class UniformOptions(LatentOptions):
    projections: tuple[Projection, ...] = ("identity",)  # concatenated; dim must be a multiple of their count
    modes: int = 4  # modal projections: levels per unit
    periods: float = 2.0  # periodic projection


@LATENTS.register("uniform")
class Uniform:
    """u ~ U(min, max) of size ``dim / len(projections)``; G sees the concatenated projections of u.

    The gaussian and sphere projections assume ``min = -1, max = 1`` (HyperGAN's range).
    """

    Options = UniformOptions

    def __init__(self, options: UniformOptions):
        self.dim, self.lo, self.hi = options.dim, options.min, options.max
        self.projections, self.modes, self.periods = options.projections, options.modes, options.periods
        if not self.projections:
            raise ConfigError("latent.projections", 'needs at least one projection, e.g. ["identity"]')
        if self.dim % len(self.projections):
            raise ConfigError(
                "latent.dim", f"must be a multiple of the {len(self.projections)} projections, got {self.dim}"
            )
        self.base = self.dim // len(self.projections)
        if self.base % 2 and {"gaussian", "sphere", "modal_gaussian", "modal_sphere"} & set(self.projections):
            raise ConfigError("latent.dim", "gaussian and sphere projections need an even size per projection")

    def sample(self, batch: int, device: torch.device | str = "cpu") -> torch.Tensor:
        u = torch.rand(batch, self.base, device=device) * (self.hi - self.lo) + self.lo
        if self.projections == ("identity",):
            return u
        return torch.cat([project(p, u, self.modes, self.periods) for p in self.projections], dim=1)


@dataclass(frozen=True)
class TruncatedOptions(LatentOptions):
    truncation: float = 2.0  # |z| <= truncation (in standard deviations)


@LATENTS.register("truncated_gaussian", "truncated_normal")
class TruncatedGaussian:
    """z ~ N(0, 1) conditioned on ``|z_i| <= truncation`` (resampled, not clipped)."""

    Options = TruncatedOptions

    def __init__(self, options: TruncatedOptions):
        self.dim, self.t = options.dim, options.truncation
        if self.t <= 0:
            raise ConfigError("latent.truncation", f"must be positive, got {self.t}")

    def sample(self, batch: int, device: torch.device | str = "cpu") -> torch.Tensor:
        z = torch.empty(batch, self.dim, device=device)
        return torch.nn.init.trunc_normal_(z, 0.0, 1.0, -self.t, self.t)


@LATENTS.register("sphere")
class Sphere:
    """z uniform on the unit sphere: a Gaussian vector divided by its norm."""

    Options = LatentOptions

    def __init__(self, options: LatentOptions):
        self.dim = options.dim

    def sample(self, batch: int, device: torch.device | str = "cpu") -> torch.Tensor:
        z = torch.randn(batch, self.dim, device=device)
        return z / z.norm(dim=1, keepdim=True).clamp_min(1e-12)


@LATENTS.register("binary")
class Binary:
    """Each z_i is 0 or 1 with probability 1/2 (HyperGAN's binary projection of a uniform)."""

    Options = LatentOptions

    def __init__(self, options: LatentOptions):
        self.dim = options.dim

    def sample(self, batch: int, device: torch.device | str = "cpu") -> torch.Tensor:
        return (torch.rand(batch, self.dim, device=device) > 0.5).float()


@dataclass(frozen=True)
class ModalOptions(LatentOptions):
    modes: int = 4  # levels per unit: values are k / modes in [min, max]


@LATENTS.register("modal")
class Modal:
    """HyperGAN's modal projection: ``round(u * modes) / modes`` with ``u ~ U(min, max)``."""

    Options = ModalOptions

    def __init__(self, options: ModalOptions):
        self.dim, self.lo, self.hi, self.modes = options.dim, options.min, options.max, options.modes
        if self.modes < 1:
            raise ConfigError("latent.modes", f"must be at least 1, got {self.modes}")

    def sample(self, batch: int, device: torch.device | str = "cpu") -> torch.Tensor:
        u = torch.rand(batch, self.dim, device=device) * (self.hi - self.lo) + self.lo
        return torch.round(u * self.modes) / self.modes


@LATENTS.register("categorical", "one_hot")
class Categorical:
    """A one-hot vector of ``dim`` categories, each equally likely (HyperGAN's category encoder)."""

    Options = LatentOptions

    def __init__(self, options: LatentOptions):
        self.dim = options.dim

    def sample(self, batch: int, device: torch.device | str = "cpu") -> torch.Tensor:
        if self.dim == 0:
            return torch.zeros(batch, 0, device=device)
        index = torch.randint(0, self.dim, (batch,), device=device)
        return torch.nn.functional.one_hot(index, self.dim).float()
