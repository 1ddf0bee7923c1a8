"""IOPaint's crop strategy: fill each masked region on a crop around it, not on the whole photo.

A small hole in a 4000 px photo then costs a small crop, and each crop is worked at most
``max_side`` pixels wide (larger crops are downscaled for the model, and only their hole pixels
are scaled back up and pasted).

    boxes = hole_boxes(hole)   # hole: (H, W) bool -> [(x0, y0, x1, y1), ...] crops, non-overlapping
"""

from __future__ import annotations

import cv2
import numpy as np

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 (x1, y1 exclusive)


def _grow(box: Box, margin: int, w: int, h: int) -> Box:
    x0, y0, x1, y1 = box
    return max(0, x0 - margin), max(0, y0 - margin), min(w, x1 + margin), min(h, y1 + margin)


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _union(a: Box, b: Box) -> Box:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def hole_boxes(hole: np.ndarray, context: float = 0.5, min_context: int = 48) -> list[Box]:
    """Crops covering every hole pixel of ``hole`` ``(H, W)`` bool, each with context around its region.

    Each connected region's bounding box grows by ``max(min_context, context x its longer side)``
    pixels per side (clipped to the image); crops that overlap are merged until none do.
    """
    h, w = hole.shape
    _, _, stats, _ = cv2.connectedComponentsWithStats(hole.astype(np.uint8), connectivity=8)
    boxes = []
    for x, y, bw, bh, _area in stats[1:]:
        margin = max(min_context, round(context * max(bw, bh)))
        boxes.append(_grow((int(x), int(y), int(x + bw), int(y + bh)), margin, w, h))
    merged = True
    while merged:  # few regions in practice; quadratic is fine
        merged = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                if _overlap(boxes[i], boxes[j]):
                    boxes[i] = _union(boxes[i], boxes.pop(j))
                    merged = True
                    break
            if merged:
                break
    return sorted(boxes)
