"""The upscaler's scores while training (``gancore.engine.validation``): Y-PSNR with the scale cropped at the
border (as ``eval``), sharpness (mean gradient over the truth's) and naturalness (BRISQUE), on the run's
fixed validation crops."""

from __future__ import annotations

import kornia
import torch

from apps.measures import mean_brisque

MEASURES = {"psnr_y": "higher", "brisque": "lower"}  # select brisque for the most natural-looking step

BT601 = torch.tensor([65.481, 128.553, 24.966]) / 255.0  # RGB 0..255 -> Y offset by 16 (metrics.py)


def luma(rgb: torch.Tensor, border: int) -> torch.Tensor:
    """RGB ``(B, 3, H, W)`` in [-1, 1] -> Y ``(B, 1, H - 2b, W - 2b)`` on 16..235, 8-bit levels, border cropped."""
    x = ((rgb.clamp(-1, 1) + 1) * 127.5).round()
    y = (x * BT601.to(x)[None, :, None, None]).sum(1, keepdim=True) + 16
    return y[..., border:-border, border:-border] if border else y


def scores(scale: int, output: torch.Tensor, target: torch.Tensor) -> dict[str, float]:
    a, b = luma(output, scale), luma(target, scale)
    mse = (a - b).square().mean().clamp_min(1e-10)  # over the batch: one photo's crops
    psnr = 10 * torch.log10(255.0**2 / mse)
    sharp = kornia.filters.sobel(a).mean() / kornia.filters.sobel(b).mean().clamp_min(1e-9)
    return {"psnr_y": float(psnr), "sharpness": float(sharp), "brisque": mean_brisque(output)}
