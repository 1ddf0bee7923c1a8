"""Mask policies: binary, sized as asked, covering the configured range, reproducible, scale-free."""

from __future__ import annotations

import pytest
import torch

from apps.inpainter.masks import EVAL_SETS, MASK_POLICIES, MaskPolicy, draw_fixed, make_policy, segments_mask
from gancore.config import config_from_dict
from gancore.errors import ConfigError


@pytest.mark.parametrize("name", ["strokes", "rectangles", "large", "mix", "objects", "removal"])
def test_policies_are_binary_and_cover_the_range(name):
    torch.manual_seed(0)
    lo, hi = 0.15, 0.3
    m = make_policy(name, MaskPolicy(coverage=(lo, hi))).draw(24, 64, 96)
    assert m.shape == (24, 1, 64, 96) and set(m.unique().tolist()) <= {0.0, 1.0}
    cover = m.mean((1, 2, 3))
    assert (cover > 0).all(), "every mask has a hole"
    assert lo - 0.02 <= cover.median() <= hi + 0.15, f"{name}: median coverage {cover.median():.3f}"
    assert (cover < 1).all(), "no mask erases the whole picture"


def test_removal_blends_boxes_strokes_and_blobs_in_equal_shares(monkeypatch):
    """Each removal mask comes from one kind, picked a third of the time each (counted by the kind drawn)."""
    from apps.inpainter import masks

    counts = {}
    for name in ("large", "rectangles", "objects"):
        cls = MASK_POLICIES.get(name)
        real = cls.shapes

        def counted(self, n, *a, _name=name, _real=real, **k):
            counts[_name] = counts.get(_name, 0) + n
            return _real(self, n, *a, **k)

        monkeypatch.setattr(cls, "shapes", counted)
    make_policy("removal", MaskPolicy(coverage=(0.1, 0.4))).draw(
        300, 32, 32, generator=torch.Generator().manual_seed(0)
    )
    counts["rectangles"] -= counts["large"]  # a large mask draws its boxes through rectangles too
    assert set(counts) == {"large", "rectangles", "objects"} and sum(counts.values()) == 300
    assert all(70 <= c <= 130 for c in counts.values()), counts
    assert masks.Removal.kinds != masks.Mix.kinds


def test_more_coverage_asked_gives_more_holes():
    torch.manual_seed(0)
    small = make_policy("strokes", MaskPolicy(coverage=(0.05, 0.08))).draw(32, 64, 64).mean()
    big = make_policy("strokes", MaskPolicy(coverage=(0.4, 0.5))).draw(32, 64, 64).mean()
    assert big > 3 * small


def test_sizes_are_fractions_of_the_shorter_side():
    """The same seed at 64 px and at 256 px draws the same shapes: coverage agrees within a little."""
    a = make_policy("medium").draw(8, 64, 64, generator=torch.Generator().manual_seed(3)).mean((1, 2, 3))
    b = make_policy("medium").draw(8, 256, 256, generator=torch.Generator().manual_seed(3)).mean((1, 2, 3))
    assert torch.allclose(a, b, atol=0.03)


def test_thin_medium_thick_grow_and_are_fixed():
    covers = {s: torch.stack([draw_fixed(s, i, 128, 192).float().mean() for i in range(6)]).mean() for s in EVAL_SETS}
    assert covers["thin"] < covers["medium"] < covers["thick"]
    one = draw_fixed("medium", 7, 100, 150)
    assert one.dtype == torch.bool and one.shape == (100, 150)
    assert torch.equal(one, draw_fixed("medium", 7, 100, 150)), "a fixed seed draws the same mask"
    assert not torch.equal(one, draw_fixed("medium", 8, 100, 150)), "another image gets another mask"


def test_the_large_hole_sets_cover_what_they_say():
    """box: one box of 35 % x 35 % of the sides (12 %); blobs: object-shaped holes of 10-35 %."""
    for i in range(6):
        box = draw_fixed("box", i, 120, 200)
        ys, xs = torch.nonzero(box, as_tuple=True)
        assert (ys.max() - ys.min() + 1, xs.max() - xs.min() + 1) == (42, 70), "35 % of each side"
        assert box.sum() == 42 * 70, "one solid box"
    blobs = torch.stack([draw_fixed("blobs", i, 128, 192).float().mean() for i in range(12)])
    assert blobs.min() > 0.08 and blobs.max() < 0.5 and 0.12 < blobs.mean() < 0.35
    assert not torch.equal(draw_fixed("blobs", 1, 64, 64), draw_fixed("blobs", 2, 64, 64))


def test_object_blobs_are_solid_and_rounded():
    """An object's silhouette: one solid region with no holes in it and a smooth outline (unlike a box,
    whose outline is straight, or strokes, thin in places)."""
    import cv2

    m = make_policy("objects", MaskPolicy(coverage=(0.05, 0.06), width=(0.08, 0.08), shapes=1))
    hole = m.draw(1, 256, 256, generator=torch.Generator().manual_seed(4))[0, 0].numpy().astype("uint8")
    contours, hierarchy = cv2.findContours(hole, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    assert len(contours) == 1 and hierarchy[0][0][2] == -1, "one region, no hole inside it"
    area = cv2.contourArea(contours[0])
    hull = cv2.contourArea(cv2.convexHull(contours[0]))
    assert area / hull > 0.85, "a blob, not a scribble"
    assert 0.05 < hole.mean() < 0.4


def test_large_images_are_drawn_small_and_resized():
    big = draw_fixed("thick", 1, 3000, 2000)
    assert big.shape == (3000, 2000) and 0.1 < big.float().mean() < 0.7


def test_segments_match_a_brute_force_distance():
    g = torch.Generator().manual_seed(0)
    a, b = torch.rand(2, 3, 4, 2, generator=g), torch.rand(2, 3, 4, 2, generator=g)
    w = torch.rand(2, 3, generator=g) * 0.2
    h, wd = 40, 50
    ys, xs = torch.meshgrid((torch.arange(h) + 0.5) / h, (torch.arange(wd) + 0.5) / h, indexing="ij")
    p = torch.stack([xs.reshape(-1), ys.reshape(-1)], 1)
    ref = torch.zeros(2, 3, h * wd, dtype=torch.bool)
    for i in range(2):
        for k in range(3):
            for v in range(4):
                d = b[i, k, v] - a[i, k, v]
                t = (((p - a[i, k, v]) @ d) / (d @ d)).clamp(0, 1)
                ref[i, k] |= (p - (a[i, k, v] + t[:, None] * d)).norm(dim=1) <= w[i, k] / 2
    assert torch.equal(segments_mask(a, b, w, h, wd), ref)


def test_policy_names_and_errors(inp_dict):
    names = {"strokes", "rectangles", "large", "mix", "objects", "one-box", "thin", "medium", "thick", "box", "blobs"}
    assert names <= set(MASK_POLICIES.names())
    inp_dict["task"]["masks"] = {"type": "mix", "coverage": [0.5, 0.2]}
    with pytest.raises(ConfigError, match=r"task\.masks\.coverage"):
        config_from_dict(inp_dict)
    inp_dict["task"]["masks"] = {"type": "blob"}
    with pytest.raises(ConfigError, match=r"task\.masks\.type.*unknown mask policy 'blob'"):
        config_from_dict(inp_dict)
