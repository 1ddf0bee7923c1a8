"""The photo-set builder's offline parts: containers, duplicates, the split, and idempotent writes."""

from __future__ import annotations

import io
import os

import numpy as np
import pytest
from PIL import Image

from photoset.build import (
    EVAL_LIST,
    BuildError,
    Photo,
    Source,
    read_eval_list,
    read_sources,
    split,
    write_set,
)
from photoset.dedupe import dhash, near_duplicate
from photoset.eet import largest_jpeg
from tests.helpers import ROOT


def _photo(seed: int, size=(320, 240)) -> Image.Image:
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (6, 8, 3), dtype=np.uint8)  # coarse structure survives resizing
    return Image.fromarray(small).resize(size, Image.Resampling.BICUBIC)


def _jpeg(image: Image.Image, **kw) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", **kw)
    return out.getvalue()


def test_the_same_picture_at_two_sizes_is_a_duplicate_and_different_pictures_are_not():
    a, b = _photo(1, (1024, 768)), _photo(2, (1024, 768))
    small_a = Image.open(io.BytesIO(_jpeg(a.resize((320, 240)), quality=70)))
    assert near_duplicate(dhash(a), a.size, dhash(small_a), small_a.size)
    assert not near_duplicate(dhash(a), a.size, dhash(b), b.size)
    portrait = a.resize((768, 1024))  # same hash grid, another frame: not the same photo
    assert not near_duplicate(dhash(a), a.size, dhash(portrait), portrait.size)


def test_largest_jpeg_of_a_container_skips_previews_and_false_markers():
    big, thumb = _jpeg(_photo(3, (640, 480))), _jpeg(_photo(4, (64, 48)))
    blob = b"\x1e\xe7\x0f\x42" + b"\xff\xd8\xff junk" + thumb + b"\x00" * 17 + big + b"tail"
    found = largest_jpeg(blob)
    assert found == big
    assert Image.open(io.BytesIO(found)).size == (640, 480)
    with pytest.raises(ValueError):
        largest_jpeg(b"no image here \xff\xd8\xff")


def test_every_listed_source_has_a_distinct_name_and_the_split_is_listed():
    sources = read_sources()
    assert len(sources) == 339
    names = [s.name for s in sources]
    assert len(set(names)) == len(names)
    assert Source("gcompris-qt-data", "3.1-2", "usr/share/gcompris-qt/rcc/erase.rcc::gcompris/src/activities/erase/"
                  "resource/red_panda.webp", 1, 1, "", "").name == "gcompris-erase-red-panda.jpg"  # fmt: skip
    kde = "usr/share/wallpapers/Path/contents/images/2560x1600.jpg"  # a KDE wallpaper: its folder names it
    assert Source("plasma-workspace-wallpapers", "1", kde, 1, 1, "", "").name == "plasma-path.jpg"
    held = read_eval_list(EVAL_LIST)
    assert 25 <= len(held) <= 40 and set(held) <= set(names)
    # the committed split is exactly the listed photos, each with a licence row
    on_disk = sorted(p.name for p in (ROOT / "assets" / "eval").glob("*.jpg"))
    assert on_disk == sorted(held)
    licences = (ROOT / "assets" / "eval" / "LICENSES.md").read_text()
    assert all(f"`{name}`" in licences for name in held)


def test_eval_photos_are_no_near_duplicate_of_a_bundled_training_photo():
    hashes = []
    for path in sorted((ROOT / "assets" / "photos").glob("*.jpg")):
        with Image.open(path) as im:
            hashes.append((dhash(im), im.size))
    for path in sorted((ROOT / "assets" / "eval").glob("*.jpg")):
        with Image.open(path) as im:
            h, size = dhash(im), im.size
        assert not any(near_duplicate(h, size, t, ts) for t, ts in hashes), path.name


def _photos(n: int) -> list[Photo]:
    out = []
    for i in range(n):
        image = _photo(10 + i)
        src = Source("pkg", "1", f"usr/share/p{i}.png", 320, 240, "CC0-1.0", "test")
        out.append(Photo(src, image, image.size, f"Author {i}", "CC0-1.0", "", dhash(image)))
    return out


def test_split_drops_the_held_photos_and_their_near_duplicates_from_training():
    photos = _photos(4)
    twin_image = photos[1].image.resize((300, 225))
    twin_src = Source("pkg", "1", "usr/share/twin.png", 300, 225, "CC0-1.0", "test")
    photos.append(Photo(twin_src, twin_image, twin_image.size, "A", "CC0-1.0", "", dhash(twin_image)))
    train, held = split(photos, [photos[1].source.name], [])
    assert [p.source.name for p in held] == ["pkg-p1.jpg"]
    assert sorted(p.source.name for p in train) == ["pkg-p0.jpg", "pkg-p2.jpg", "pkg-p3.jpg"]


def test_split_leaves_out_what_is_bundled_already_by_name_or_by_picture(tmp_path):
    photos = _photos(4)
    _photo(99).save(tmp_path / "pkg-p0.jpg")  # same name as a packaged photo, another picture
    photos[2].image.resize((300, 225)).save(tmp_path / "bundled-twin.jpg")  # p2's picture, another name
    _photo(98).save(tmp_path / "other.jpg")
    train, held = split(photos, [photos[1].source.name], sorted(tmp_path.glob("*.jpg")))
    assert [p.source.name for p in train] == ["pkg-p3.jpg"]  # data/train links one file per name
    assert [p.source.name for p in held] == ["pkg-p1.jpg"]
    photos[1].image.save(tmp_path / "held-twin.jpg")
    with pytest.raises(BuildError, match="near-duplicate of training photo"):
        split(photos, [photos[1].source.name], sorted(tmp_path.glob("*.jpg")))


def test_write_set_is_idempotent_and_removes_only_what_it_wrote(tmp_path):
    photos = _photos(3)
    (tmp_path / "mine.txt").write_text("not ours")
    assert write_set(photos, tmp_path, "T", "intro") == (3, 0)
    stamps = {p.name: os.stat(p).st_mtime_ns for p in tmp_path.iterdir()}
    assert write_set(photos, tmp_path, "T", "intro") == (0, 0)  # a second run rewrites nothing
    assert {p.name: os.stat(p).st_mtime_ns for p in tmp_path.iterdir()} == stamps
    licences = (tmp_path / "LICENSES.md").read_text()
    assert all(f"`pkg-p{i}.jpg`" in licences and f"Author {i}" in licences for i in range(3))
    assert write_set(photos[:2], tmp_path, "T", "intro") == (0, 1)  # a photo leaves the set
    assert not (tmp_path / "pkg-p2.jpg").exists() and (tmp_path / "mine.txt").exists()
    manifest = (tmp_path / "MANIFEST.tsv").read_text().splitlines()
    assert len(manifest) == 3 and manifest[0].startswith("name\tsha256")
