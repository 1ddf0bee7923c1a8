"""Hints honoured around where they are painted: the network's miss at each hint, spread edge-aware.

The generator learns to carry a hint's colour over its region, but it only approximates it (it is
trained with L1, and a hint is one pixel of evidence against everything else it sees). The user
said what the colour is there, so the residual ``hint - predicted`` at each hint pixel is spread
to its neighbourhood with a joint-bilateral weight: near in space (``sigma_space`` px at the
model's size) and similar in lightness (``sigma_range``, scaled L units), normalised, and faded
out where no hint is near (``fade``): the classic edge-aware propagation of colour scribbles
(Levin et al. 2004 in spirit), applied to the network's residual rather than to a gray image.
"""

from __future__ import annotations

import torch

SIGMA_SPACE = 16.0  # px at the model's size (an eighth of 128)
SIGMA_RANGE = 0.1  # scaled L units (L* / 50): about 5 L* units
FADE = 0.1  # summed weight at which a pixel takes half the weighted residual
MAX_POINTS = 2048  # hint pixels used (an even subsample of more): memory stays bounded
CHUNK = 256  # hint pixels per step: (CHUNK, h, w) weights at a time


@torch.no_grad()
def spread_hints(
    ab: torch.Tensor,
    light: torch.Tensor,
    hint_ab: torch.Tensor,
    mask: torch.Tensor,
    sigma_space: float = SIGMA_SPACE,
    sigma_range: float = SIGMA_RANGE,
    fade: float = FADE,
) -> torch.Tensor:
    """``ab`` ``(1, 2, h, w)`` predicted with hints ``hint_ab`` ``(1, 2, h, w)`` where ``mask``
    ``(1, 1, h, w)`` is 1, ``light`` ``(1, 1, h, w)`` the network's L input -> ``ab`` corrected
    toward the hints, ``(1, 2, h, w)``. Without hints it returns ``ab`` unchanged."""
    _, _, h, w = ab.shape
    idx = mask[0, 0].flatten().nonzero()[:, 0]
    if idx.numel() == 0:
        return ab
    if idx.numel() > MAX_POINTS:
        idx = idx[torch.linspace(0, idx.numel() - 1, MAX_POINTS, device=idx.device).long()]
    ys, xs = (idx // w).to(ab.dtype), (idx % w).to(ab.dtype)
    residual = (hint_ab - ab).flatten(2)[0][:, idx]  # (2, N)
    level = light.flatten()[idx]  # (N,)
    yy = torch.arange(h, dtype=ab.dtype, device=ab.device)[None, :, None]
    xx = torch.arange(w, dtype=ab.dtype, device=ab.device)[None, None, :]
    lum = light[0]  # (1, h, w)
    num = torch.zeros(2, h, w, dtype=ab.dtype, device=ab.device)
    den = torch.zeros(h, w, dtype=ab.dtype, device=ab.device)
    for start in range(0, idx.numel(), CHUNK):
        sl = slice(start, start + CHUNK)
        dist = (yy - ys[sl, None, None]) ** 2 + (xx - xs[sl, None, None]) ** 2  # (n, h, w)
        tone = (lum - level[sl, None, None]) ** 2
        weight = torch.exp(-dist / (2 * sigma_space**2) - tone / (2 * sigma_range**2))
        num += torch.einsum("cn,nhw->chw", residual[:, sl], weight)
        den += weight.sum(0)
    return ab + (num / (den + fade))[None]
