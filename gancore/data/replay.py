"""Replay: a fine-tune's batches mix the user's photos with photos the start model already knew.

A fine-tune on a few photos of one kind forgets what the model knew of every other kind within a few
hundred steps (the colorizer, fine-tuned on 6 street photos, fell 1.1 dB below its start on 5 others of
a similar kind by step 500); a share of each batch drawn from the bundled photos (``assets/photos``,
on which every shipped model trained) holds it where it was while it learns the user's.

    data = Replayed(own, replay, share=0.5)   # position g -> a crop of one or the other, fixed by g

Which source serves global position ``g`` depends on ``g`` alone. With one process: ``floor((g + 1) *
share) > floor(g * share)`` is a replay crop, the ``floor(g * share)``-th of its source; every other
position is the user's, the ``g - floor(g * share)``-th. So the share holds in every window of positions
(a batch of 16 at 0.5 is 8 and 8), and a resumed run reads exactly what an unbroken one would. Under
``torchrun`` with ``stride`` w ranks, rank r reads positions r, r + w, ...: the same rule is applied to
``k = g // w``, each source's index interleaved by ``g % w``, so every rank's own batch holds the share
(BatchNorm, which is per rank, sees the mix on each) and no crop is read twice across ranks. The price:
w ranks with replay read other crops than one process with batch w x b would (that equivalence, and a
resume on another number of processes reading on exactly, hold for runs without replay).

``replay_files``: the replay folder's photos less any that are near-duplicates of a held-out photo (a
replayed copy of one would let the run train on what it is scored on).
"""

from __future__ import annotations

import math
from pathlib import Path

from torch.utils.data import Dataset

from .dedupe import near_duplicate
from .images import require_images
from .split import fingerprints


class Replayed(Dataset):
    """``own`` and ``replay`` (datasets indexed by global position, as ``PhotoFolder``) interleaved at
    ``share`` of the positions for ``replay``, ``0 <= share < 1``; ``stride``: the ranks reading it."""

    def __init__(self, own: Dataset, replay: Dataset, share: float, stride: int = 1):
        if not 0.0 <= share < 1.0:
            raise ValueError(f"share: in [0, 1). Got {share}")
        if stride < 1:
            raise ValueError(f"stride: 1 or more. Got {stride}")
        self.own, self.replay, self.share, self.stride = own, replay, share, stride

    def __len__(self) -> int:
        return len(self.own)  # type: ignore[arg-type]

    def source(self, g: int) -> tuple[bool, int]:
        """``(is_replay, position in that source)`` of global position ``g``."""
        k, rank = divmod(g, self.stride)
        before = math.floor(k * self.share)
        if math.floor((k + 1) * self.share) > before:
            return True, before * self.stride + rank
        return False, (k - before) * self.stride + rank

    def __getitem__(self, g: int) -> dict:
        replayed, i = self.source(g)
        return (self.replay if replayed else self.own)[i]


def replay_files(folder: Path, held_out: list[Path]) -> list[Path]:
    """The photos under ``folder`` that are not near-duplicates of any of ``held_out`` (maybe none); a
    ``UserError`` when the folder holds no image."""
    files = require_images(folder)
    if not held_out:
        return files
    val = [p for p in fingerprints(held_out) if p is not None]
    keep = []
    for path, mark in zip(files, fingerprints(files), strict=True):
        if mark is None or not any(near_duplicate(mark[0], mark[1], h, s) for h, s in val):
            keep.append(path)
    return keep
