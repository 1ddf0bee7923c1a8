"""Label smoothing and noisy labels (Salimans et al. 2016; Chintala's gan-hacks; GAGA).

Labels are per sample, in the convention 1 = real, 0 = fake; the loss maps them onto its own
targets. Real labels are ``1 - smoothing`` or ``U[low, high]``; fake labels ``0`` or ``U[low, high]``;
then each label is flipped (``l -> 1 - l``) with probability ``flip``.
"""

from __future__ import annotations

import torch

from ..losses.base import Labels
from .config import TricksConfig


def _uniform(n: int, low: float, high: float, like: torch.Tensor) -> torch.Tensor:
    return torch.rand(n, device=like.device, dtype=like.dtype) * (high - low) + low


def _flip(labels: torch.Tensor, p: float) -> torch.Tensor:
    if p <= 0:
        return labels
    return torch.where(torch.rand_like(labels) < p, 1 - labels, labels)


def make_labels(cfg: TricksConfig, d_real: torch.Tensor, d_fake: torch.Tensor) -> Labels:
    """Labels shaped ``(B, 1, ...)`` to broadcast against the D outputs ``d_real`` and ``d_fake``."""
    br, bf = d_real.shape[0], d_fake.shape[0]
    if cfg.real_label_range is not None:
        real = _uniform(br, *cfg.real_label_range, like=d_real)
    else:
        real = torch.full((br,), 1.0 - cfg.label_smoothing, device=d_real.device, dtype=d_real.dtype)
    if cfg.fake_label_range is not None:
        fake = _uniform(bf, *cfg.fake_label_range, like=d_fake)
    else:
        fake = torch.zeros(bf, device=d_fake.device, dtype=d_fake.dtype)
    real, fake = _flip(real, cfg.flip_labels), _flip(fake, cfg.flip_labels)
    return Labels(real.view((br,) + (1,) * (d_real.dim() - 1)), fake.view((bf,) + (1,) * (d_fake.dim() - 1)))


def region_share(region: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
    """``region`` ``(B, 1, H, W)`` in [0, 1] as the generated share of each of D's outputs ``d_fake``:
    area-averaged onto a map ``(B, 1, h, w)``, or the whole picture's share for one output a sample."""
    if d_fake.dim() == 4:
        return torch.nn.functional.interpolate(region.to(d_fake.dtype), size=d_fake.shape[-2:], mode="area")
    return region.to(d_fake.dtype).flatten(1).mean(1).view((-1,) + (1,) * (d_fake.dim() - 1))


def region_labels(
    labels: Labels | None, share: torch.Tensor, d_real: torch.Tensor, d_fake: torch.Tensor, real: float = 1.0
) -> Labels:
    """Fake labels only where the fake really is (LaMa's ``mask_as_fake_target``).

    ``share``: the generated share of each of D's outputs ``d_fake`` (:func:`region_share` of the
    fake's generated pixels, the inpainter's hole; the rest of a composite is the real photo). Each
    position's fake label becomes ``share x fake + (1 - share) x real``: a patch of known pixels is a
    real patch. ``labels``: the tricks' per-sample labels, or None for ``real`` (the loss's real
    label) and 0 (fake).
    """
    if labels is None:
        labels = Labels(torch.full((), real, device=d_real.device, dtype=d_real.dtype),
                        torch.zeros((), device=d_fake.device, dtype=d_fake.dtype))  # fmt: skip
    real_of_fake = labels.real if labels.real.dim() == 0 else labels.real[: d_fake.shape[0]]
    return Labels(labels.real, share * labels.fake + (1 - share) * real_of_fake)
