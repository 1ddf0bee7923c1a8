"""Instance noise (Sønderby et al. 2016; GAGA's r_/f_instance_noise_sigma): Gaussian noise on D's inputs.

The noise blurs real and fake distributions into overlap early on; annealing its sigma linearly
to zero lets D see the true inputs later.
"""

from __future__ import annotations

import torch


def annealed_sigma(sigma: float, step: int, anneal_steps: int) -> float:
    """``sigma`` at trainer step ``step``: constant if ``anneal_steps`` is 0, else linear to 0. Negative = none."""
    if sigma <= 0:
        return 0.0
    if anneal_steps <= 0:
        return sigma
    return sigma * max(0.0, 1.0 - step / anneal_steps)


def instance_noise(x: torch.Tensor, sigma: float) -> torch.Tensor:
    """``x + N(0, sigma^2)``, any shape; ``x`` unchanged (same object) when sigma is 0."""
    return x + sigma * torch.randn_like(x) if sigma > 0 else x
