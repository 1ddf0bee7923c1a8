"""Colour hints (Zhang et al. 2017, "Real-Time User-Guided Image Colorization with Learned Deep Priors").

A hint is the wanted chroma at some pixels. The generator receives it as three extra condition
channels: the hint ab ``(B, 2, H, W)`` (scaled like the target, ``ab / 110``, 0 where no hint) and
the hint mask ``(B, 1, H, W)`` in {0, 1}. No hint at all is the automatic mode, so one model
serves both.

- ``simulate``: training's stand-in for a user: a random number of small square patches, each
  holding the mean true colour of its patch, at random places (none in a share of the crops).
- ``read_hint_image``: a user's hint image: an RGBA PNG the size of the photo whose opaque pixels
  give the wanted colour (its a* b*; the lightness always comes from the photo) and whose
  transparent pixels give none.
- ``shrink``: full-resolution hints to the model's input size (the mean hint colour of each cell;
  a cell with any hint pixel is a hint).
"""

from __future__ import annotations

import math
from pathlib import Path

import kornia
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from gancore.data.images import open_image

from .lab import AB_SCALE, lab_scaled_to_rgb


@torch.no_grad()
def simulate(
    ab: torch.Tensor,
    none_share: float,
    max_count: int,
    max_half: int,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Simulated user hints for the true chroma ``ab`` ``(B, 2, H, W)`` (scaled, about [-1, 1]).

    Each crop gets no hint with probability ``none_share``; otherwise a log-uniform number of
    patches in ``[1, max_count]`` (as many crops with 1-2 hints as with 64-128), uniform places,
    square patches of side ``2 r + 1`` with ``r`` uniform in ``[0, max_half]``, each filled with the
    mean true chroma of its patch (where patches overlap, their mean). Returns (hint ab
    ``(B, 2, H, W)``, 0 outside hints; mask ``(B, 1, H, W)`` in {0, 1}).
    """
    b, _, h, w = ab.shape
    dev = ab.device
    u = torch.rand(b, generator=generator, device=dev)
    count = torch.exp(torch.rand(b, generator=generator, device=dev) * math.log(max_count + 1)).floor()
    count = torch.where(u < none_share, torch.zeros_like(count), count.clamp(1, max_count))  # (B,)
    slot = torch.arange(max_count, device=dev)[None]  # (1, N)
    live = (slot < count[:, None]).to(ab.dtype)  # (B, N): the first `count` candidates are used
    cy = torch.randint(0, h, (b, max_count), generator=generator, device=dev)
    cx = torch.randint(0, w, (b, max_count), generator=generator, device=dev)
    half = torch.randint(0, max_half + 1, (b, max_count), generator=generator, device=dev)
    # each patch's mean colour from an integral image (patches are clipped at the crop's edges)
    integral = F.pad(ab.cumsum(2).cumsum(3), (1, 0, 1, 0)).flatten(2)  # (B, 2, (H+1)(W+1))
    y0, y1 = (cy - half).clamp(min=0), (cy + half + 1).clamp(max=h)
    x0, x1 = (cx - half).clamp(min=0), (cx + half + 1).clamp(max=w)

    def corner(y: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return integral.gather(2, (y * (w + 1) + x)[:, None].expand(-1, 2, -1))  # (B, 2, N)

    area = ((y1 - y0) * (x1 - x0)).to(ab.dtype)[:, None]
    mean = (corner(y1, x1) - corner(y0, x1) - corner(y1, x0) + corner(y0, x0)) / area  # (B, 2, N)
    # paint: each radius's centres (colour sum and count) spread over their square by a sum-pool
    total = torch.zeros(b, 3, h, w, dtype=ab.dtype, device=dev)
    index = (cy * w + cx)[:, None].expand(-1, 3, -1)
    for r in range(max_half + 1):
        weight = (live * (half == r).to(ab.dtype))[:, None]  # (B, 1, N)
        centres = torch.zeros(b, 3, h * w, dtype=ab.dtype, device=dev)
        centres.scatter_add_(2, index, torch.cat([mean * weight, weight], dim=1))
        k = 2 * r + 1
        total += F.avg_pool2d(centres.view(b, 3, h, w), k, stride=1, padding=r, divisor_override=1)
    value, hits = total[:, :2], total[:, 2:]
    mask = (hits > 0.5).to(ab.dtype)
    return value / hits.clamp(min=1.0) * mask, mask


def rgba_to_hints(rgba: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """A hint image ``uint8 (H, W, 4)`` -> (hint ab ``(1, 2, H, W)`` scaled, mask ``(1, 1, H, W)`` in {0, 1}).

    A pixel is a hint where its alpha is at least 128; its colour's a* b* is the wanted chroma.
    """
    if rgba.ndim != 3 or rgba.shape[2] != 4:
        raise ValueError(f"expected an (H, W, 4) RGBA array. Got {rgba.shape}")
    x = torch.from_numpy(np.array(rgba)).permute(2, 0, 1)[None].float() / 255.0  # a copy: writable
    mask = (x[:, 3:4] >= 0.5).float()
    ab = kornia.color.rgb_to_lab(x[:, :3])[:, 1:] / AB_SCALE
    return ab * mask, mask


def read_hint_image(path: Path, size: tuple[int, int]) -> tuple[np.ndarray, bool]:
    """The hint image at ``path`` for a photo of ``size`` = (W, H): ``fit_hint_image`` of the file.
    Raises ``BadImage`` when it cannot be read."""
    with open_image(path) as im:
        return fit_hint_image(im, size)


def fit_hint_image(image: Image.Image, size: tuple[int, int]) -> tuple[np.ndarray, bool]:
    """A hint picture as RGBA ``uint8 (H, W, 4)`` for a photo of ``size`` = (W, H).

    One without alpha counts as opaque everywhere. One of another size is resized (nearest, so no
    hint colour is blended with a transparent pixel); the flag says it was (for a warning).
    """
    rgba = image.convert("RGBA")
    resized = rgba.size != tuple(size)
    if resized:
        rgba = rgba.resize(tuple(size), Image.Resampling.NEAREST)
    return np.asarray(rgba), resized


def shrink(ab: torch.Tensor, mask: torch.Tensor, size: tuple[int, int]) -> tuple[torch.Tensor, torch.Tensor]:
    """Hints ``(1, 2, H, W)`` and mask ``(1, 1, H, W)`` -> the same at ``size`` = (h, w).

    Each small cell holds the mean colour of the hint pixels it covers; a cell covering any hint
    pixel is a hint (a 5 x 5 patch on a 1024-px photo still reaches a 128-px model).
    """
    if tuple(ab.shape[-2:]) == tuple(size):
        return ab, mask
    cover = F.adaptive_avg_pool2d(mask, size)
    total = F.adaptive_avg_pool2d(ab * mask, size)
    small_mask = (cover > 0).to(ab.dtype)
    return total / cover.clamp(min=1e-8) * small_mask, small_mask


def random_patches(ab: torch.Tensor, count: int, side: int = 5, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``count`` square patches of side ``side`` of the true chroma ``ab`` ``(1, 2, H, W)``, at places
    drawn from ``seed``; each holds its patch's mean colour (``eval``'s hint curve and its tests)."""
    _, _, h, w = ab.shape
    rng = np.random.default_rng(seed)
    value = torch.zeros_like(ab)
    mask = torch.zeros_like(ab[:, :1])
    for _ in range(count):
        y, x = int(rng.integers(0, h - side + 1)), int(rng.integers(0, w - side + 1))
        patch = ab[:, :, y : y + side, x : x + side]
        value[:, :, y : y + side, x : x + side] = patch.mean(dim=(2, 3), keepdim=True)
        mask[:, :, y : y + side, x : x + side] = 1.0
    return value, mask


def hints_to_rgba(light: torch.Tensor, ab: torch.Tensor, mask: torch.Tensor) -> np.ndarray:
    """Hints as a user's hint image: RGBA ``uint8 (H, W, 4)``, the hint colour at the photo's lightness
    (``light`` ``(1, 1, H, W)`` scaled) where ``mask`` is set, transparent elsewhere."""
    rgb = lab_scaled_to_rgb(light, ab)[0].permute(1, 2, 0).numpy()
    alpha = mask[0, 0].numpy()[..., None]
    return (np.concatenate([rgb, alpha], axis=2) * 255.0 + 0.5).astype(np.uint8)
