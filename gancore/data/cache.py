"""A decoded-image cache for small data sets: every file decoded once, downscaled, kept as uint8 in memory.

    cache = DecodedCache.build(files, max_short=size / scale_min)
    rgb, full = cache.get(i)        # (h, w, 3) uint8, and the file's own (W, H) before downscaling

Each image is stored with its short side at most ``max_short`` (the largest short side a training
crop ever resizes to), so a crop made from the cached copy sees the same scene at the same scale
as one made from the file. All images live in one flat ``uint8`` buffer: a DataLoader worker
forked after the cache is built shares it copy-on-write (one Python object, so reference counts
touch no image pages). Files that fail to decode are remembered and raise ``BadImage`` again.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from .images import BadImage, open_image, to_rgb

AUTO_LIMIT_BYTES = 2**30  # "cache": "auto" builds the cache when the decoded images fit in this


def cached_size(w: int, h: int, max_short: float) -> tuple[int, int]:
    """``(w, h)`` scaled down (never up) so the short side is at most ``ceil(max_short)``."""
    limit = math.ceil(max_short)
    if min(w, h) <= limit:
        return w, h
    s = limit / min(w, h)
    return max(limit, round(w * s)), max(limit, round(h * s))


def estimate_bytes(files: list[Path], max_short: float) -> int:
    """The cache's size from the files' headers alone (nothing decoded; unreadable headers count 0)."""
    total = 0
    for path in files:
        try:
            with Image.open(path) as img:
                w, h = cached_size(*img.size, max_short)
        except Exception:  # a bad file is reported when it is decoded
            continue
        total += w * h * 3
    return total


def _decode(path: Path, max_short: float) -> tuple[np.ndarray, tuple[int, int]] | None:
    try:
        img = to_rgb(open_image(path))
    except BadImage:
        return None
    full = img.size
    size = cached_size(*full, max_short)
    if size != full:
        img = img.resize(size, Image.Resampling.BICUBIC, reducing_gap=3.0)
    return np.asarray(img, dtype=np.uint8), full


@dataclass(frozen=True)
class DecodedCache:
    buffer: np.ndarray  # (total,) uint8: every image's (h, w, 3) pixels, one after another
    offsets: np.ndarray  # (N,) int64: where image i starts in ``buffer``; -1 for a bad file
    shapes: np.ndarray  # (N, 2) int64: image i's cached (h, w)
    full: np.ndarray  # (N, 2) int64: image i's (W, H) in its file, before downscaling
    files: tuple[Path, ...]  # the paths, for error messages

    @classmethod
    def build(cls, files: list[Path], max_short: float, threads: int | None = None) -> DecodedCache:
        """Decode ``files`` (in threads: PIL releases the GIL while decoding and resizing)."""
        with ThreadPoolExecutor(threads or min(8, os.cpu_count() or 1)) as pool:
            decoded = list(pool.map(lambda p: _decode(p, max_short), files))
        n = len(files)
        offsets, shapes, full = np.full(n, -1, np.int64), np.zeros((n, 2), np.int64), np.zeros((n, 2), np.int64)
        pos = 0
        for i, entry in enumerate(decoded):
            if entry is None:
                continue
            arr, (w, h) = entry
            offsets[i], shapes[i], full[i] = pos, arr.shape[:2], (w, h)
            pos += arr.size
        buffer = np.empty(pos, np.uint8)
        for i, entry in enumerate(decoded):
            if entry is not None:
                buffer[offsets[i] : offsets[i] + entry[0].size] = entry[0].reshape(-1)
        return cls(buffer, offsets, shapes, full, tuple(files))

    @property
    def nbytes(self) -> int:
        return int(self.buffer.nbytes)

    def get(self, i: int) -> tuple[np.ndarray, tuple[int, int]]:
        """Image ``i`` as ``(h, w, 3)`` uint8 (a view into the buffer) and its file's ``(W, H)``."""
        start = int(self.offsets[i])
        if start < 0:
            raise BadImage(f"{self.files[i]}: cannot read image")
        h, w = (int(v) for v in self.shapes[i])
        return self.buffer[start : start + h * w * 3].reshape(h, w, 3), (int(self.full[i, 0]), int(self.full[i, 1]))
