"""The inpainter's scores while training (``gancore.engine.validation``): PSNR over the hole pixels, the
texture inside the holes (``apps.measures.texture``) and the crops' naturalness (BRISQUE), on the run's
fixed crops and masks."""

from __future__ import annotations

import numpy as np
import torch

MEASURES = {"hole_psnr": "higher", "texture": "higher", "brisque": "lower", "textured_psnr": "higher"}
TEXTURE = 0.75  # textured_psnr: hole PSNR less 0.1 dB for every 0.01 of texture under this (1 = the photo's)


def _uint8(rgb: torch.Tensor) -> np.ndarray:
    return ((rgb.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).permute(0, 2, 3, 1).cpu().numpy()


def scores(hole: torch.Tensor, output: torch.Tensor, target: torch.Tensor) -> dict[str, float]:
    """``hole`` ``(B, 1, H, W)`` in {0, 1}; ``output``, ``target`` RGB ``(B, 3, H, W)`` in [-1, 1]."""
    from apps.measures import texture_ratio

    h = hole.expand_as(output) > 0.5
    diff = ((output.clamp(-1, 1) - target) / 2).square() * h
    mse = diff.sum() / h.sum().clamp_min(1)  # over the batch's hole pixels: one photo's crops
    psnr = 10 * torch.log10(1.0 / mse.clamp_min(1e-10))
    outs, truths, holes = _uint8(output), _uint8(target), (hole[:, 0] > 0.5).cpu().numpy()
    textures = [texture_ratio(o, t, m) for o, t, m in zip(outs, truths, holes)]
    textures = [v for v in textures if np.isfinite(v)]
    from apps.measures import mean_brisque

    texture = float(np.mean(textures)) if textures else float("nan")
    return {
        "hole_psnr": float(psnr),
        "texture": texture,
        "brisque": mean_brisque(output),
        # train.select = "textured_psnr": faithful, and not a blur (texture above TEXTURE earns nothing)
        "textured_psnr": float(psnr) - 10.0 * max(0.0, TEXTURE - texture) if np.isfinite(texture) else float("nan"),
    }
