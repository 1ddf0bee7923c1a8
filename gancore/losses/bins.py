"""Classification over a grid of target values instead of regression (Zhang, Isola and Efros 2016,
"Colorful Image Colorization"): where L1 pulls every uncertain pixel toward the average (for colour,
brown), a distribution over bins keeps the likely colours apart, and a read-out chooses how vivid.

- ``grid(n)``: the bin centres, an ``n`` x ``n`` grid over [-1, 1]^2 (the target's two channels; the
  colorizer's a*b* scaled by 110, so ``n = 23`` bins every 10 a*b* units, as the paper's).
- ``annealed_mean(logits, T)``: the read-out, ``E[centre]`` under ``softmax(logits / T)``: T = 1 is the
  mean, T -> 0 the mode (the paper's T = 0.38 in between). Differentiable: the adversarial and L1
  terms train through it.
- ``soft_bins`` (a reconstruction term, configs' ``"reconstruction"``): cross-entropy between the
  logits and the target soft-encoded on its ``k`` nearest bins (Gaussian weights), each pixel weighted
  by the rarity of its colour (``prior``: the training photos' bin frequencies, mixed with uniform by
  ``rebalance``; ``apps/colorizer/prior.py`` measures it), plus ``l1_weight`` x L1 on the read-out.

The logits are the generator's raw output ``(B, Q, H, W)`` with ``Q = n * n``; the task turns them into
the target's form with ``annealed_mean`` (its ``compose``), which is what D, the samples and the
scores see.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ..errors import ConfigError
from .reconstruction import RECONSTRUCTIONS


def grid(n: int, device=None) -> torch.Tensor:
    """The ``n * n`` bin centres ``(Q, 2)`` over [-1, 1]^2, row-major (first channel slowest)."""
    axis = torch.linspace(-1.0, 1.0, n, device=device)
    a, b = torch.meshgrid(axis, axis, indexing="ij")
    return torch.stack([a.reshape(-1), b.reshape(-1)], dim=1)


def side(q: int) -> int:
    """``n`` for ``Q = n * n`` bins; a ValueError when ``q`` is not a square of at least 4."""
    n = math.isqrt(q)
    if n * n != q or n < 2:
        raise ValueError(f"{q} channels are not an n x n grid of bins")
    return n


def annealed_mean(logits: torch.Tensor, temperature: float = 0.38) -> torch.Tensor:
    """Logits ``(B, Q, H, W)`` -> values ``(B, 2, H, W)`` in [-1, 1]: the bin centres' mean under
    ``softmax(logits / temperature)`` (1: the mean; near 0: the most likely bin)."""
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    centres = grid(side(logits.shape[1]), logits.device).to(torch.float32)
    p = torch.softmax(logits.float() / temperature, dim=1)
    return torch.einsum("bqhw,qc->bchw", p, centres)


def nearest(target: torch.Tensor, n: int, k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The ``k`` nearest bins of each target pixel ``(B, 2, H, W)``: indices ``(B, k, H, W)`` (long) and
    squared distances ``(B, k, H, W)`` in grid steps (candidates: the 3 x 3 cells around the nearest)."""
    step = 2.0 / (n - 1)
    pos = ((target.float().clamp(-1, 1) + 1) / step).clamp(0, n - 1)  # (B, 2, H, W) in grid units
    base = pos.round().long()
    offsets = torch.tensor([(i, j) for i in (-1, 0, 1) for j in (-1, 0, 1)], device=target.device)
    cand = (base.unsqueeze(1) + offsets.view(1, 9, 2, 1, 1)).clamp(0, n - 1)  # (B, 9, 2, H, W)
    dist = (cand.float() - pos.unsqueeze(1)).square().sum(dim=2)  # (B, 9, H, W)
    d, pick = dist.topk(k, dim=1, largest=False)
    chosen = cand.gather(1, pick.unsqueeze(2).expand(-1, -1, 2, -1, -1))
    return chosen[:, :, 0] * n + chosen[:, :, 1], d


@RECONSTRUCTIONS.register("soft_bins")
class SoftBins:
    """``weight * rebalanced cross-entropy(logits, soft-encoded target) + l1_weight * L1(read-out, target)``."""

    uses_raw = True  # called with the generator's raw output (the logits) beside the composed read-out

    @dataclass(frozen=True)
    class Options:
        weight: float = 1.0
        k: int = 5  # nearest bins each target pixel is spread over
        sigma: float = 0.5  # their Gaussian's width, in grid steps (5 a*b* units at n = 23)
        prior: tuple[float, ...] = ()  # the bins' frequencies in the training photos (Q of them); (): none
        rebalance: float = 0.5  # lambda: weights 1 / ((1 - lambda) prior + lambda / Q), mean 1 under the prior
        l1_weight: float = 0.0

        def __post_init__(self) -> None:
            if not 1 <= self.k <= 9:
                raise ConfigError("reconstruction.k", f"1 to 9 nearest bins. Got {self.k}")
            if self.sigma <= 0:
                raise ConfigError("reconstruction.sigma", f"a positive width in grid steps. Got {self.sigma}")
            if not 0.0 < self.rebalance <= 1.0:
                raise ConfigError("reconstruction.rebalance", f"a share in (0, 1]. Got {self.rebalance}")
            if self.prior and (min(self.prior) < 0 or not math.isfinite(sum(self.prior)) or sum(self.prior) <= 0):
                raise ConfigError("reconstruction.prior", "non-negative frequencies with a positive sum")

    def __init__(self, options: Options):
        self.o = options
        self._weights: torch.Tensor | None = None

    def weights(self, q: int, device) -> torch.Tensor | None:
        """The rebalancing weight of each bin ``(Q,)``, or None without a prior."""
        if not self.o.prior:
            return None
        if len(self.o.prior) != q:
            raise ConfigError("reconstruction.prior", f"{len(self.o.prior)} frequencies for {q} bins")
        if self._weights is None or self._weights.device != torch.device(device):
            p = torch.tensor(self.o.prior, dtype=torch.float32, device=device)
            p = p / p.sum()
            w = 1.0 / ((1 - self.o.rebalance) * p + self.o.rebalance / q)
            self._weights = w / (p * w).sum()
        return self._weights

    def __call__(self, output: torch.Tensor, target: torch.Tensor, raw: torch.Tensor) -> torch.Tensor:
        """``raw`` logits ``(B, Q, h, w)`` may be smaller than the target ``(B, 2, H, W)`` (a head at a lower
        resolution): the target is then averaged over each logit's cell."""
        n = side(raw.shape[1])
        coarse = target if target.shape[-2:] == raw.shape[-2:] else F.adaptive_avg_pool2d(target, raw.shape[-2:])
        index, d2 = nearest(coarse, n, self.o.k)
        soft = torch.softmax(-d2 / (2 * self.o.sigma**2), dim=1)  # (B, k, H, W), sums to 1
        log_p = F.log_softmax(raw.float(), dim=1).gather(1, index)
        ce = -(soft * log_p).sum(dim=1)  # (B, H, W)
        w = self.weights(raw.shape[1], raw.device)
        if w is not None:
            ce = ce * w[index[:, 0]]  # the weight of each pixel's nearest bin
        loss = self.o.weight * ce.mean()
        if self.o.l1_weight:
            loss = loss + self.o.l1_weight * (output - target).abs().mean()
        return loss
