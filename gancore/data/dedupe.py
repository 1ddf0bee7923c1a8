"""Near-duplicate photos (the same picture at two sizes or crops of the same scan) by a difference hash.

``dhash``: the image as 9x8 gray (area-averaged), one bit per horizontal neighbour pair
(left brighter than right): 64 bits that survive rescaling and recompression. Two photos are
near-duplicates when their hashes differ in at most ``MAX_BITS`` bits *and* their aspect ratios
agree within 10 % (objects shot on the same white backdrop can share a coarse hash, but rarely
the hash and the frame).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

MAX_BITS = 8


def dhash(image: Image.Image) -> int:
    """64-bit difference hash of a PIL image (any mode)."""
    small = np.asarray(image.convert("L").resize((9, 8), Image.Resampling.BOX), dtype=np.int16)
    bits = (small[:, :-1] > small[:, 1:]).flatten()
    return int("".join("1" if b else "0" for b in bits), 2)


def near_duplicate(a: int, size_a: tuple[int, int], b: int, size_b: tuple[int, int]) -> bool:
    """True when two hashes are within ``MAX_BITS`` and the frames' aspect ratios within 10 %."""
    ratio_a, ratio_b = size_a[0] / size_a[1], size_b[0] / size_b[1]
    return bin(a ^ b).count("1") <= MAX_BITS and abs(ratio_a / ratio_b - 1) <= 0.10
