"""The full-resolution half of colorizing, band by band of rows, so a large photo costs little more
than its own pixels: its lightness (float32, 4 bytes a pixel) and the output (uint8, 3) are whole;
every other full-size tensor (the RGB input as floats, Lab, the chroma, the guided filter's upsampled
coefficients) exists one band at a time.

``resize_rows`` gives rows ``y0:y1`` of a bilinear resize (``align_corners=False``) without making the
rest: the same weights as ``F.interpolate``, so bands join without seams and match the whole.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .lab import guided_coefficients, lab_scaled_to_rgb, rgb_to_lab_scaled

BAND = 256  # rows per band: a 10000-px-wide band is 2.6 M pixels, a few tens of MB of temporaries


def lightness(rgb: np.ndarray, device: torch.device, band: int = BAND) -> torch.Tensor:
    """RGB ``uint8 (H, W, 3)`` -> scaled L ``(1, 1, H, W)`` float32 in [-1, 1], converted band by band."""
    h, w = rgb.shape[:2]
    light = torch.empty(1, 1, h, w, device=device)
    for y0 in range(0, h, band):
        x = torch.from_numpy(np.array(rgb[y0 : y0 + band])).to(device)  # a band's copy: a read-only photo warns
        x = x.permute(2, 0, 1)[None].float() / 127.5 - 1
        light[..., y0 : y0 + band, :] = rgb_to_lab_scaled(x)[0]
    return light


def resize_rows(x: torch.Tensor, size: tuple[int, int], y0: int, y1: int) -> torch.Tensor:
    """Rows ``y0:y1`` of ``F.interpolate(x, size, mode="bilinear", align_corners=False)``, ``(B, C, y1 - y0, W)``:
    the source rows they need are resized in width, then mixed in height with the same weights."""
    h = x.shape[-2]
    out_h, out_w = size
    scale = h / out_h
    src = ((torch.arange(y0, y1, dtype=torch.float32) + 0.5) * scale - 0.5).clamp(min=0)
    top = src.floor().long().clamp(max=h - 1)
    below = (top + 1).clamp(max=h - 1)
    weight = (src - top.float()).to(x.dtype).view(1, 1, -1, 1)
    first, last = int(top.min()), int(below.max()) + 1
    rows = F.interpolate(x[..., first:last, :], size=(last - first, out_w), mode="bilinear", align_corners=False)
    return rows[..., top - first, :] * (1 - weight) + rows[..., below - first, :] * weight


def join(light: torch.Tensor, ab_small: torch.Tensor, light_small: torch.Tensor | None, band: int = BAND) -> np.ndarray:
    """Full-resolution L ``(1, 1, H, W)`` joined with chroma predicted small ``(1, 2, h, w)`` -> RGB ``uint8
    (H, W, 3)``: with ``light_small`` by the guided filter (``lab.guided_upsample``), else bilinearly;
    band by band of rows (``lab.colorize_full_resolution``'s result, in bounded memory)."""
    h, w = light.shape[-2:]
    small = ab_small if light_small is None else guided_coefficients(light_small, ab_small)
    out = np.empty((h, w, 3), dtype=np.uint8)
    for y0 in range(0, h, band):
        y1 = min(h, y0 + band)
        rows = resize_rows(small, (h, w), y0, y1)
        part = light[..., y0:y1, :]
        ab = rows if light_small is None else rows[:, :2] * part + rows[:, 2:]
        rgb = lab_scaled_to_rgb(part, ab)[0]
        out[y0:y1] = (rgb.permute(1, 2, 0).cpu().numpy() * 255.0 + 0.5).astype(np.uint8)
    return out
