"""A training dataset over a folder of photos, with random crops that are exact on resume.

Items are addressed by a *global position* ``g = epoch * N + i`` from ``EndlessSampler``; the
image order of each epoch and each crop's randomness derive from ``(seed, g)`` alone, so a run
resumed at step ``s`` sees exactly the batches an uninterrupted run would, whatever the worker count.
With several processes, rank ``r`` of ``W`` reads positions ``start + r, start + r + W, ...``
(``EndlessSampler(start + r, W)``): the ranks' batches of a step together are the positions a
single process with ``W`` times the batch would read.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch.utils.data import Dataset, Sampler

from ..errors import UserError
from .cache import AUTO_LIMIT_BYTES, DecodedCache, estimate_bytes
from .images import BadImage, open_image, require_images, to_rgb


class PhotoFolder(Dataset):
    """Random ``size`` x ``size`` crops of the images under ``root``, as ``(3, size, size)`` in [-1, 1].

    Before cropping an image is resized (antialiased) so its short side is random in
    ``[size, size / scale_min]`` (with ``upscale=False`` never above its own short side, unless that
    is below ``size``); half the crops are flipped left-right. A file that cannot be
    decoded is reported (in the item's ``"bad"`` field) and replaced by the next good one.

    ``cache``: decode every file once, now, into a ``DecodedCache`` (short sides at most
    ``size / scale_min``) instead of at every read; ``"auto"`` when it takes under 1 GB. Build the
    dataset before the DataLoader starts its workers, so they share the cache.
    """

    def __init__(
        self,
        root: str | Path,
        size: int,
        seed: int = 0,
        scale_min: float = 0.5,
        cache: bool | str = False,
        upscale: bool = True,
        files: list[Path] | None = None,
    ):
        self.root = Path(root)
        self.files = list(files) if files is not None else require_images(self.root)  # files: a split's share
        self.size, self.seed, self.scale_min, self.upscale = size, seed, scale_min, upscale
        max_short = size / scale_min  # the largest short side a crop resizes to
        if cache == "auto":
            cache = estimate_bytes(self.files, max_short) <= AUTO_LIMIT_BYTES
        self.cache = DecodedCache.build(self.files, max_short) if cache else None

    def __len__(self) -> int:
        return len(self.files)

    @functools.lru_cache(maxsize=2)  # noqa: B019  (one dataset per run; two epochs in flight at most)
    def _order(self, epoch: int) -> np.ndarray:
        return np.random.default_rng([self.seed, epoch]).permutation(len(self.files))

    def index(self, g: int) -> int:
        """The file index at global position ``g``."""
        epoch, i = divmod(g, len(self.files))
        return int(self._order(epoch)[i])

    def crop(self, img: Image.Image, rng: np.random.Generator, full: tuple[int, int] | None = None) -> torch.Tensor:
        """A random crop ``(3, size, size)`` in [-1, 1]; ``full``: the file's ``(W, H)`` when ``img`` is
        its cached, downscaled copy (the crop's geometry follows the file, so both agree)."""
        w, h = full or img.size
        short = rng.uniform(self.size, self.size / self.scale_min)
        if not self.upscale:
            short = max(self.size, min(short, w, h))
        scale = short / min(w, h)
        nw, nh = max(self.size, round(w * scale)), max(self.size, round(h * scale))
        x, y = rng.integers(0, nw - self.size + 1), rng.integers(0, nh - self.size + 1)
        # resample only the crop's box of the source (the same pixels as resizing the whole image to
        # (nw, nh) and cropping, to within one level, at a fraction of the work: the filter still
        # reads the source around the box)
        sx, sy = img.width / nw, img.height / nh
        box = (x * sx, y * sy, (x + self.size) * sx, (y + self.size) * sy)
        img = img.resize((self.size, self.size), Image.Resampling.BICUBIC, box=box, reducing_gap=3.0)
        arr = np.array(img, dtype=np.uint8)
        if rng.random() < 0.5:
            arr = arr[:, ::-1]
        t = torch.from_numpy(np.ascontiguousarray(arr)).permute(2, 0, 1).float()
        return t / 127.5 - 1.0

    def image(self, i: int) -> tuple[Image.Image, tuple[int, int] | None]:
        """File ``i`` as an RGB image, from the cache (with its file's ``(W, H)``) or decoded now (``None``)."""
        if self.cache is not None:
            rgb, full = self.cache.get(i)
            return Image.fromarray(rgb), full
        return to_rgb(open_image(self.files[i])), None

    def __getitem__(self, g: int) -> dict:
        bad = []
        for attempt in range(len(self.files)):
            i = self.index(g + attempt)
            try:
                img, full = self.image(i)
            except BadImage:
                bad.append(str(self.files[i]))
                continue
            rng = np.random.default_rng([self.seed, g, 1])
            return {"image": self.crop(img, rng, full), "bad": "\n".join(bad)}
        raise UserError(f"none of the {len(self.files)} files under {self.root} could be read")


class EndlessSampler(Sampler[int]):
    """Global positions ``start, start + stride, ...`` forever (``stride`` > 1 shards across ranks)."""

    def __init__(self, start: int = 0, stride: int = 1):
        self.start, self.stride = start, stride

    def __iter__(self) -> Iterator[int]:
        g = self.start
        while True:
            yield g
            g += self.stride


class BadFileReporter:
    """Prints each unreadable file once, however many times workers hit it."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def __call__(self, bad: list[str]) -> None:
        for entry in bad:
            for path in filter(None, entry.split("\n")):
                if path not in self.seen:
                    self.seen.add(path)
                    print(f"warning: skipping unreadable image {path}", file=sys.stderr)
