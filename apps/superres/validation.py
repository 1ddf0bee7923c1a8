"""The upscaler's scores while training (``gancore.engine.validation``): Y-PSNR with the scale cropped at the
border (as ``eval``), sharpness (mean gradient over the truth's), naturalness (BRISQUE), ``gain_y`` (Y-PSNR
over bicubic's on the same crops) and, from the means over the photos, ``faithful_brisque`` (BRISQUE, with
points added when the mean gain is under ``FAITHFUL_MARGIN``: what a GAN fine-tune selects by, natural but
no less faithful than bicubic, as the evaluation judges it: on the mean), on the run's fixed crops."""

from __future__ import annotations

import kornia
import torch

from apps.measures import mean_brisque

MEASURES = {
    "psnr_y": "higher",
    "brisque": "lower",
    "gain_y": "higher",
    "faithful_brisque": "lower",
}  # train.select picks one
FAITHFUL_MARGIN = 0.25  # faithful_brisque: mean dB over bicubic's Y-PSNR below which points are added ...
FAITHFUL_POINTS = 30.0  # ... this many BRISQUE points for each dB short (photos score ~12, bicubic ~40): a GAN
# run on held-out photos trades 1 dB for 10-20 points, so 30 keeps the kept step at bicubic's fidelity or above

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
    """One photo's crops: ``output``, ``target`` (and ``bicubic``, the baseline upscale, for ``gain_y``)
    RGB ``(B, 3, H, W)`` in [-1, 1] -> the measures by name."""
    a, b = luma(output, scale), luma(target, scale)
    psnr = psnr_y(a, b)
    sharp = kornia.filters.sobel(a).mean() / kornia.filters.sobel(b).mean().clamp_min(1e-9)
    found = {"psnr_y": psnr, "sharpness": float(sharp), "brisque": mean_brisque(output)}
    if bicubic is not None:
        found["gain_y"] = psnr - psnr_y(luma(bicubic, scale), b)
    return found


def summary(means: dict[str, float]) -> dict[str, float]:
    """``faithful_brisque`` from the means over the photos (nothing without ``gain_y``)."""
    if "gain_y" not in means:
        return {}
    return {"faithful_brisque": means["brisque"] + FAITHFUL_POINTS * max(0.0, FAITHFUL_MARGIN - means["gain_y"])}
