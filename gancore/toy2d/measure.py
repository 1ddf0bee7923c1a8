"""How well generated 2-D points cover a known distribution (HyperGAN's 2d-measure, VEEGAN's counts).

* ``quality``: the share of generated points within 3 sigma of the support (a mode's centre, or
  the curve); "high-quality samples".
* ``modes``: modes covered. Each high-quality point counts for its nearest mode; a mode is covered
  when it holds at least ``min_share`` (0.2) of its fair share ``N / K`` of the points.
* nearest-neighbour measures between ``N`` data and ``N`` generated points, both ways:
  ``nn_data_to_gen`` / ``nn_gen_to_data``: mean distance from each point to the nearest point of the
  other set (HyperGAN's accuracy x->g, g->x; lower is better);
  ``nn_acc_real`` / ``nn_acc_fake``: leave-one-out 1-NN two-sample test, the share of data (resp.
  generated) points whose nearest neighbour in the union is of their own kind (0.5 = the sets are
  indistinguishable, 1.0 = fully separated).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch

from .datasets import Toy


@dataclass(frozen=True)
class Measure:
    modes: int  # modes covered
    modes_total: int
    quality: float  # share of generated points within 3 sigma of the support, 0..1
    nn_data_to_gen: float
    nn_gen_to_data: float
    nn_acc_real: float
    nn_acc_fake: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    def passed(self, quality: float = 0.8) -> bool:
        """All modes covered and at least ``quality`` high-quality samples."""
        return self.modes == self.modes_total and self.quality >= quality


@torch.no_grad()
def measure(toy: Toy, fake: torch.Tensor, real: torch.Tensor, min_share: float = 0.2) -> Measure:
    """Measures of generated points ``fake (N, 2)`` against the dataset ``toy`` and data ``real (N, 2)``."""
    fake = fake.detach().float().cpu()
    real = real.detach().float().cpu()
    k, n = len(toy.centers), len(fake)
    finite = torch.isfinite(fake).all(1)
    fake_f = torch.where(finite[:, None], fake, torch.full_like(fake, 1e6))
    good = (torch.cdist(fake_f, toy.support).min(1).values <= 3 * toy.sigma) & finite
    nearest = torch.cdist(fake_f, toy.centers).argmin(1)
    counts = torch.bincount(nearest[good], minlength=k)
    covered = int((counts >= max(1.0, min_share * n / k)).sum())
    d_rg = torch.cdist(real, fake_f)
    both = torch.cat([real, fake_f])
    d = torch.cdist(both, both)
    d.fill_diagonal_(float("inf"))
    own = d.argmin(1) < len(real)  # nearest neighbour is a data point
    return Measure(
        modes=covered,
        modes_total=k,
        quality=float(good.float().mean()),
        nn_data_to_gen=float(d_rg.min(1).values.mean()),
        nn_gen_to_data=float(d_rg.min(0).values.mean()),
        nn_acc_real=float(own[: len(real)].float().mean()),
        nn_acc_fake=float((~own[len(real) :]).float().mean()),
    )
