"""Sample grids: one row per example, columns condition | output | target, saved as PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """``(B, 3, H, W)`` in [-1, 1] -> ``(B, H, W, 3)`` uint8."""
    x = ((images.detach().float().cpu().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    return x.permute(0, 2, 3, 1).numpy()


def save_grid(columns: list[torch.Tensor], path: Path, pad: int = 2) -> None:
    """Each tensor in ``columns`` is ``(B, 3, H, W)`` in [-1, 1]; writes a B-row grid PNG."""
    cols = [to_uint8(c) for c in columns]
    b, h, w, _ = cols[0].shape
    grid = np.full((b * (h + pad) + pad, len(cols) * (w + pad) + pad, 3), 255, np.uint8)
    for j, col in enumerate(cols):
        for i in range(b):
            y, x = pad + i * (h + pad), pad + j * (w + pad)
            grid[y : y + h, x : x + w] = col[i]
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(grid).save(path)
