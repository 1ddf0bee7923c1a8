"""Colorize one image at its full resolution with a trained generator."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from gancore.data import read_rgb

from .task import colorize_full_resolution, rgb_to_lab_scaled


@torch.no_grad()
def colorize(gen, size: int, rgb: np.ndarray, device: str = "cpu") -> np.ndarray:
    """RGB or gray-as-RGB ``uint8 (H, W, 3)`` -> colorized ``uint8 (H, W, 3)``, same size.

    Chroma is predicted on the lightness resized to ``size`` x ``size`` (the model's training
    size), upsampled, and joined with the full-resolution lightness, so detail is never lost.
    """
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"expected an (H, W, 3) array. Got {rgb.shape}")
    x = torch.from_numpy(np.array(rgb)).to(device).permute(2, 0, 1)[None].float() / 127.5 - 1
    light, _ = rgb_to_lab_scaled(x)  # (1, 1, H, W) in [-1, 1]; any colour in the input is dropped
    small = F.interpolate(light, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
    ab = gen({"condition": small})  # (1, 2, size, size)
    out = colorize_full_resolution(light, ab)[0]  # (3, H, W) in [0, 1]
    return (out.permute(1, 2, 0).cpu().numpy() * 255.0 + 0.5).astype(np.uint8)


def make_processor(task, gen, cfg, device: str):
    """For ``run``: input path -> colorized PIL image (PNG when saved)."""

    def process(path: Path) -> Image.Image:
        return Image.fromarray(colorize(gen, cfg.data.size, read_rgb(path), device))

    return process
