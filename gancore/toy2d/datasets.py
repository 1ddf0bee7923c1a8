"""The 2-D benchmark distributions (HyperGAN's 2d-test; the mode-collapse rings of Metz et al. 2017).

| name   | what                                                          | modes | sigma |
|--------|---------------------------------------------------------------|-------|-------|
| ring   | 8 Gaussians evenly on a circle of radius 2                    | 8     | 0.05  |
| grid   | 25 Gaussians on a 5x5 grid, spacing 1, centred                | 25    | 0.05  |
| circle | a circle of radius 1.5 with Gaussian radial noise             | 12 arcs | 0.05 |
| spiral | a two-turn Archimedean spiral with Gaussian noise              | 12 arcs | 0.05 |

For the continuous shapes a "mode" is one of 12 equal arcs, and a sample's distance is to the
curve (``support``, a dense polyline); for the mixtures the support is the centres.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from ..errors import UserError

NAMES = ("ring", "grid", "circle", "spiral")


@dataclass(frozen=True)
class Toy:
    """A 2-D distribution with what the measure needs."""

    name: str
    centers: torch.Tensor  # (K, 2): one point per mode; samples are assigned to the nearest
    support: torch.Tensor  # (M, 2): points of the support; "high quality" = within 3 sigma of it
    sigma: float
    continuous: bool  # circle / spiral: noise around a curve, not Gaussians around centres

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """``n`` points ``(n, 2)``."""
        if not self.continuous:
            idx = torch.randint(0, len(self.centers), (n,), generator=generator)
            return self.centers[idx] + self.sigma * torch.randn(n, 2, generator=generator)
        t = torch.rand(n, generator=generator)
        return self.curve(t) + self.sigma * torch.randn(n, 2, generator=generator)

    def curve(self, t: torch.Tensor) -> torch.Tensor:
        """Continuous shapes: the point at arc parameter ``t`` in [0, 1], ``(n, 2)``."""
        if self.name == "circle":
            a = 2 * math.pi * t
            return 1.5 * torch.stack([torch.cos(a), torch.sin(a)], dim=1)
        a = math.pi / 2 + t * 4 * math.pi  # spiral: two turns, radius growing with the angle
        r = a / (4.5 * math.pi) * 2.0
        return torch.stack([r * torch.cos(a), r * torch.sin(a)], dim=1)


def make_toy(name: str, sigma: float | None = None) -> Toy:
    """The distribution ``name`` (see the table); ``sigma`` overrides its noise."""
    s = 0.05 if sigma is None else float(sigma)
    if s <= 0:
        raise UserError(f"sigma must be positive, got {s}")
    if name == "ring":
        a = torch.arange(8) * (2 * math.pi / 8)
        centers = 2.0 * torch.stack([torch.cos(a), torch.sin(a)], dim=1)
        return Toy(name, centers, centers, s, continuous=False)
    if name == "grid":
        v = torch.arange(-2.0, 3.0)
        centers = torch.cartesian_prod(v, v)
        return Toy(name, centers, centers, s, continuous=False)
    if name in ("circle", "spiral"):
        proto = Toy(name, torch.zeros(0, 2), torch.zeros(0, 2), s, continuous=True)
        centers = proto.curve((torch.arange(12) + 0.5) / 12)
        support = proto.curve(torch.linspace(0, 1, 2000))
        return Toy(name, centers, support, s, continuous=True)
    raise UserError(f"unknown 2-D dataset '{name}' (valid: {', '.join(NAMES)})")
