"""The decoded-image cache: crops as from the files, no file reopened, bad files still reported."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import torch
from PIL import Image

from gancore.data import PhotoFolder
from gancore.data.cache import DecodedCache, cached_size, estimate_bytes


def test_cached_size_never_upscales():
    assert cached_size(1024, 682, 64) == (96, 64)
    assert cached_size(682, 1024, 63.5) == (64, 96)
    assert cached_size(50, 40, 64) == (50, 40)


@pytest.fixture
def photos(tmp_path, small_photos):
    """A private copy of the small photos (this test deletes files)."""
    return shutil.copytree(small_photos, tmp_path / "photos")


def test_crops_from_the_cache_match_the_files(small_photos):
    plain = PhotoFolder(small_photos, 16, seed=5, scale_min=0.5, cache=False)
    cached = PhotoFolder(small_photos, 16, seed=5, scale_min=0.5, cache=True)  # short sides ~64 -> 32
    assert plain.cache is None and cached.cache is not None
    assert all(min(int(h), int(w)) == 32 for h, w in cached.cache.shapes)
    diffs = []
    for g in range(24):
        a, b = plain[g]["image"], cached[g]["image"]
        assert a.shape == b.shape == (3, 16, 16)
        diffs.append((a - b).abs().mean().item())
    # the same scene, position and flip; only the resampling differs (two steps instead of one)
    assert max(diffs) < 0.05 and float(np.mean(diffs)) < 0.02, diffs


def test_crops_equal_exactly_when_no_downscaling_was_needed(small_photos):
    """Images whose short side is already below size / scale_min are cached as they are."""
    plain = PhotoFolder(small_photos, 48, seed=2, scale_min=0.5, cache=False)  # max short side 96 > 72
    cached = PhotoFolder(small_photos, 48, seed=2, scale_min=0.5, cache=True)
    for g in range(12):
        assert torch.equal(plain[g]["image"], cached[g]["image"])


def test_a_cached_dataset_does_not_reopen_files(photos):
    ds = PhotoFolder(photos, 32, cache=True)
    before = [ds[g]["image"] for g in range(8)]
    for path in ds.files:
        path.unlink()
    after = [ds[g]["image"] for g in range(8)]
    assert all(torch.equal(a, b) for a, b in zip(before, after))


def test_bad_files_are_still_reported(tmp_path, small_photos):
    good = sorted(small_photos.rglob("*.jpg"))[0]
    (tmp_path / "a.jpg").write_bytes(good.read_bytes())
    (tmp_path / "b.png").write_text("not an image")
    ds = PhotoFolder(tmp_path, 16, cache=True)
    items = [ds[g] for g in range(4)]
    assert all(it["image"].shape == (3, 16, 16) for it in items)
    assert any("b.png" in it["bad"] for it in items)


def test_auto_caches_small_sets_only(photos, monkeypatch):
    assert PhotoFolder(photos, 32, cache="auto").cache is not None
    monkeypatch.setattr("gancore.data.folder.AUTO_LIMIT_BYTES", 100)
    assert PhotoFolder(photos, 32, cache="auto").cache is None


def test_estimate_matches_the_built_cache(photos):
    files = sorted(p for p in photos.rglob("*") if p.is_file())
    cache = DecodedCache.build(files, 64)
    assert estimate_bytes(files, 64) == cache.nbytes
    rgb, (w, h) = cache.get(0)
    assert rgb.dtype == np.uint8 and min(rgb.shape[:2]) <= 64
    assert (w, h) == Image.open(files[0]).size
