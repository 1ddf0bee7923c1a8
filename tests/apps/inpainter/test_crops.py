"""The crop strategy: every hole pixel inside a crop, crops around regions, overlapping crops merged."""

from __future__ import annotations

import numpy as np

from apps.inpainter.crops import hole_boxes


def covered(hole, boxes):
    cover = np.zeros_like(hole)
    for x0, y0, x1, y1 in boxes:
        cover[y0:y1, x0:x1] = True
    return cover


def test_far_apart_holes_get_their_own_small_crops():
    hole = np.zeros((2000, 3000), dtype=bool)
    hole[100:120, 200:230] = True
    hole[1800:1810, 2800:2840] = True
    boxes = hole_boxes(hole, context=0.5, min_context=48)
    assert len(boxes) == 2
    assert not (hole & ~covered(hole, boxes)).any()
    assert max((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in boxes) < 200 * 200, "a small hole costs a small crop"
    x0, y0, x1, y1 = boxes[0]
    assert (x0, y0, x1, y1) == (200 - 48, 100 - 48, 230 + 48, 120 + 48)


def test_nearby_holes_merge_and_crops_stay_inside_the_image():
    hole = np.zeros((300, 300), dtype=bool)
    hole[0:10, 0:10] = True
    hole[40:60, 40:60] = True
    hole[250:300, 280:300] = True
    boxes = hole_boxes(hole, context=0.5, min_context=32)
    assert len(boxes) == 2
    for x0, y0, x1, y1 in boxes:
        assert 0 <= x0 < x1 <= 300 and 0 <= y0 < y1 <= 300
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), "crops never overlap"
    assert not (hole & ~covered(hole, boxes)).any()


def test_no_hole_no_crop():
    assert hole_boxes(np.zeros((50, 50), dtype=bool)) == []
