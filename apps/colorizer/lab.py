"""The colorizer's colour space: CIE Lab scaled so every tensor the networks see is in about [-1, 1]
(``L in [0, 100] -> L / 50 - 1``; ``a, b in about [-110, 110] -> ab / 110``), and the join of
full-resolution lightness with chroma predicted at the model's size (a fast guided filter).
"""

from __future__ import annotations

import kornia
import torch
import torch.nn.functional as F

from gancore.losses.bins import annealed_mean

AB_SCALE = 110.0


def rgb_to_lab_scaled(rgb: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """RGB ``(B, 3, H, W)`` in [-1, 1] -> (L ``(B, 1, H, W)``, ab ``(B, 2, H, W)``), both about [-1, 1]."""
    lab = kornia.color.rgb_to_lab(((rgb + 1) / 2).clamp(0, 1))
    return lab[:, :1] / 50.0 - 1.0, lab[:, 1:] / AB_SCALE


def lab_scaled_to_rgb(light: torch.Tensor, ab: torch.Tensor) -> torch.Tensor:
    """Inverse of ``rgb_to_lab_scaled``: RGB ``(B, 3, H, W)`` in [0, 1] (out-of-gamut colours clipped)."""
    lab = torch.cat([(light + 1.0) * 50.0, ab * AB_SCALE], dim=1)
    return kornia.color.lab_to_rgb(lab, clip=True)


def read_out(
    output: torch.Tensor, temperature: float = 0.38, saturation: float = 1.0, size: tuple[int, int] | None = None
) -> torch.Tensor:
    """A generator's output as scaled a*b* ``(B, 2, H, W)``: two channels are a*b* already; more are the
    logits of a bins head (``gancore.losses.bins``), read by their annealed mean at ``temperature`` and,
    when the head works at a lower resolution, resized to ``size`` (bilinear). ``saturation`` scales
    the chroma (1: as predicted; 0: gray; above 1 more vivid, clipped by the gamut)."""
    ab = output if output.shape[1] == 2 else annealed_mean(output, temperature)
    if size is not None and tuple(ab.shape[-2:]) != tuple(size):
        ab = F.interpolate(ab, size=size, mode="bilinear", align_corners=False)
    return ab if saturation == 1.0 else ab * saturation


GUIDE_RADIUS = 2  # px at the model's size
GUIDE_EPS = 1e-2  # in scaled L units squared: edges of about 5 L* units and more steer the chroma


def colorize_full_resolution(
    light_full: torch.Tensor, ab_small: torch.Tensor, light_small: torch.Tensor | None = None, eps: float = GUIDE_EPS
) -> torch.Tensor:
    """Join full-resolution L ``(B, 1, H, W)`` with chroma predicted small ``(B, 2, h, w)``.

    With ``light_small`` (the model's input L, ``(B, 1, h, w)``) the chroma is upsampled by a fast
    guided filter (``guided_upsample``), so colour edges follow the full-resolution lightness
    edges; without it, bilinearly. Returns RGB ``(B, 3, H, W)`` in [0, 1]. Lightness (where the
    detail is) is never resampled.
    """
    if light_small is None:
        ab = F.interpolate(ab_small, size=light_full.shape[-2:], mode="bilinear", align_corners=False)
    else:
        ab = guided_upsample(light_small, ab_small, light_full, eps=eps)
    return lab_scaled_to_rgb(light_full, ab)


def guided_upsample(
    light_small: torch.Tensor,
    ab_small: torch.Tensor,
    light_full: torch.Tensor,
    radius: int = GUIDE_RADIUS,
    eps: float = GUIDE_EPS,
) -> torch.Tensor:
    """Chroma ``(B, 2, h, w)`` to ``light_full``'s size ``(B, 1, H, W)`` by the fast guided filter
    (He and Sun 2015): per-pixel linear models ``ab = A * L + B`` are fitted at the small size in
    ``(2 radius + 1)``-px windows (``eps`` regularises; large eps = plain smoothing), their
    coefficients upsampled bilinearly and applied to the full-resolution L. Returns ``(B, 2, H, W)``.
    """
    coef = guided_coefficients(light_small, ab_small, radius, eps)
    coef = F.interpolate(coef, size=light_full.shape[-2:], mode="bilinear", align_corners=False)
    return coef[:, :2] * light_full + coef[:, 2:]


def guided_coefficients(
    light_small: torch.Tensor, ab_small: torch.Tensor, radius: int = GUIDE_RADIUS, eps: float = GUIDE_EPS
) -> torch.Tensor:
    """The guided filter's linear models at the small size: ``(B, 4, h, w)``, the slopes A (2 channels)
    then the offsets B (2), each box-averaged; ``ab = A * L + B`` once upsampled to L's size."""
    k = (2 * radius + 1, 2 * radius + 1)

    def box(x: torch.Tensor) -> torch.Tensor:
        return kornia.filters.box_blur(x, k, border_type="reflect")

    mean_l, mean_ab = box(light_small), box(ab_small)
    var_l = box(light_small * light_small) - mean_l * mean_l
    cov = box(light_small * ab_small) - mean_l * mean_ab
    a = cov / (var_l + eps)
    b = mean_ab - a * mean_l
    return torch.cat([box(a), box(b)], dim=1)
