"""HyperGAN's projections of a uniform sample ``u ~ U(-1, 1)^(B, n)`` (``hypergan/encoders/uniform_encoder.py``).

A uniform latent with ``"projections": ["identity", "sphere"]`` feeds G the concatenation of each
projection of the same ``u``, so it can be queried as uniform while G sees, e.g., a sphere.

| name           | output (same shape as u)                                          |
|----------------|-------------------------------------------------------------------|
| identity       | u                                                                 |
| gaussian       | Box-Muller of ``(u + 1) / 2`` (first half radius, second angle)    |
| sphere         | gaussian(u) / ||gaussian(u)||                                     |
| modal          | round(u * modes) / modes                                          |
| binary         | 1 where u > 0, else 0                                             |
| modal_gaussian | modal(u) + 0.1 * gaussian(u)                                      |
| modal_sphere   | the sphere projection of modal(gaussian(u))                       |
| periodic       | triangle wave ``2/pi * asin(sin(2 pi u / periods))``               |
"""

from __future__ import annotations

import math

import torch

TINY = 1e-12
NAMES = ("identity", "gaussian", "sphere", "modal", "binary", "modal_gaussian", "modal_sphere", "periodic")


def gaussian(u: torch.Tensor) -> torch.Tensor:
    """Box-Muller: ``(B, n)`` uniform in [-1, 1] (n even) -> ``(B, n)`` standard normal."""
    v = (u + 1) / 2
    half = u.shape[1] // 2
    a, b = v[:, :half], v[:, half:]
    r = torch.sqrt(-2 * torch.log(a + TINY))
    return torch.cat([r * torch.cos(2 * math.pi * b), r * torch.sin(2 * math.pi * b)], dim=1)


def _unit(x: torch.Tensor) -> torch.Tensor:
    return x / torch.sqrt(x.square().sum(1, keepdim=True) + TINY)


def modal(u: torch.Tensor, modes: int) -> torch.Tensor:
    return torch.round(u * modes) / modes


def project(name: str, u: torch.Tensor, modes: int = 4, periods: float = 2.0) -> torch.Tensor:
    """The projection ``name`` of ``u`` ``(B, n)``."""
    if name == "identity":
        return u
    if name == "gaussian":
        return gaussian(u)
    if name == "sphere":
        return _unit(gaussian(u))
    if name == "modal":
        return modal(u, modes)
    if name == "binary":
        return (u > 0).to(u.dtype)
    if name == "modal_gaussian":
        return modal(u, modes) + 0.1 * gaussian(u)
    if name == "modal_sphere":
        return _unit(modal(gaussian(u), modes))
    if name == "periodic":
        return 2.0 / math.pi * torch.asin(torch.sin(2 * math.pi * u / periods))
    raise ValueError(f"unknown projection {name!r}")
