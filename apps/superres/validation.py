"""The upscaler's scores while training (``gancore.engine.validation``): Y-PSNR with the scale cropped at the
border (as ``eval``), sharpness (mean gradient over the truth's), naturalness (BRISQUE) and
``faithful_brisque`` (BRISQUE, with points added for Y-PSNR under bicubic's: what a GAN fine-tune selects by,
natural but never less faithful than bicubic), on the run's fixed validation crops."""

from __future__ import annotations

import kornia
import torch

from apps.measures import mean_brisque

MEASURES = {"psnr_y": "higher", "brisque": "lower", "faithful_brisque": "lower"}  # train.select picks one
FAITHFUL_MARGIN = 0.25  # faithful_brisque: dB over bicubic's Y-PSNR below which points are added ...
FAITHFUL_POINTS = 10.0  # ... this many BRISQUE points for each dB short (photos score ~12, bicubic ~40)

BT601 = torch.tensor([65.481, 128.553, 24.966]) / 255.0  # RGB 0..255 -> Y offset by 16 (metrics.py)


def luma(rgb: torch.Tensor, border: int) -> torch.Tensor:
    """RGB ``(B, 3, H, W)`` in [-1, 1] -> Y ``(B, 1, H - 2b, W - 2b)`` on 16..235, 8-bit levels, border cropped."""
    x = ((rgb.clamp(-1, 1) + 1) * 127.5).round()
    y = (x * BT601.to(x)[None, :, None, None]).sum(1, keepdim=True) + 16
    return y[..., border:-border, border:-border] if border else y


def psnr_y(a: torch.Tensor, b: torch.Tensor) -> float:
    """Y-PSNR (dB) of two ``luma`` batches, over the whole batch (one photo's crops)."""
    mse = (a - b).square().mean().clamp_min(1e-10)
    return float(10 * torch.log10(255.0**2 / mse))


def scores(scale: int, output: torch.Tensor, target: torch.Tensor, bicubic: torch.Tensor | None = None) -> dict:
    """One photo's crops: ``output``, ``target`` (and ``bicubic``, the baseline upscale, for
    ``faithful_brisque``) RGB ``(B, 3, H, W)`` in [-1, 1] -> the measures by name."""
    a, b = luma(output, scale), luma(target, scale)
    psnr = psnr_y(a, b)
    sharp = kornia.filters.sobel(a).mean() / kornia.filters.sobel(b).mean().clamp_min(1e-9)
    found = {"psnr_y": psnr, "sharpness": float(sharp), "brisque": mean_brisque(output)}
    if bicubic is not None:
        short = max(0.0, psnr_y(luma(bicubic, scale), b) + FAITHFUL_MARGIN - psnr)
        found["faithful_brisque"] = found["brisque"] + FAITHFUL_POINTS * short
    return found
