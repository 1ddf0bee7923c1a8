"""The validation split: deterministic, near-duplicates on one side, honest about small folders."""

from __future__ import annotations

import shutil

from PIL import Image

from gancore.data.split import FEW, continued_split, given_split, no_split, split_folder
from tests.helpers import ROOT

PHOTOS = sorted((ROOT / "assets" / "photos").glob("*.jpg"))


def _folder(tmp_path, n: int, size: int = 96):
    root = tmp_path / "photos"
    root.mkdir()
    for src in PHOTOS[:n]:
        with Image.open(src) as im:
            im = im.convert("RGB")
            im.thumbnail((size, size))
            im.save(root / f"{src.stem}.jpg")
    return root


def test_the_same_folder_always_splits_the_same_way_and_nothing_is_on_both_sides(tmp_path):
    root = _folder(tmp_path, 30)
    a, b = split_folder(root), split_folder(root)
    assert a.val == b.val and a.train == b.train
    assert 3 <= len(a.val) <= 6, "about 15 %"
    assert not set(a.val) & set(a.train) and len(a.val) + len(a.train) == 30
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)  # another place, the same names: the same photos held out
    assert [p.name for p in split_folder(copy).val] == [p.name for p in a.val]
    assert split_folder(root, seed=1).val != a.val, "the seed picks another share"


def test_near_duplicates_stay_on_one_side(tmp_path):
    root = _folder(tmp_path, 20)
    held = split_folder(root).val[0]
    with Image.open(held) as im:  # the same picture again, smaller, and recompressed: a burst's twin
        im.resize((im.width * 2 // 3, im.height * 2 // 3)).save(root / "zz-twin.jpg", quality=70)
    s = split_folder(root)
    names = {p.name for p in s.val}
    assert held.name in names and "zz-twin.jpg" in names, "the twin is held out with its original"
    trained = split_folder(root)  # and a twin of a training photo trains with it
    first = trained.train[0]
    with Image.open(first) as im:
        im.resize((im.width * 3 // 4, im.height * 3 // 4)).save(root / "aa-twin.jpg", quality=80)
    again = split_folder(root)
    assert (first in again.train) == (root / "aa-twin.jpg" in again.train)


def test_small_folders_say_how_small(tmp_path):
    few = _folder(tmp_path, FEW - 1)
    s = split_folder(few)
    assert s.val == [] and len(s.train) == FEW - 1
    assert f"only {FEW - 1} photos" in s.note and "--val DIR" in s.note
    (tmp_path / "more").mkdir()
    eleven = _folder(tmp_path / "more", 11)
    s = split_folder(eleven)
    assert len(s.val) == 2 and "a score on 2 photos is a rough guide" in s.note
    (tmp_path / "five").mkdir()
    five = split_folder(_folder(tmp_path / "five", FEW))  # one held out: training keeps FEW - 1
    assert len(five.val) == 1 and "a score on 1 photo is a rough guide" in five.note


def test_val_dir_and_none(tmp_path):
    root = _folder(tmp_path, 8)
    other = tmp_path / "other"
    other.mkdir()
    Image.open(PHOTOS[-1]).convert("RGB").resize((64, 48)).save(other / "x.png")
    g = given_split(root, other)
    assert len(g.train) == 8 and [p.name for p in g.val] == ["x.png"]
    n = no_split(root)
    assert len(n.train) == 8 and n.val == [] and "none" in n.note


def test_a_linked_photo_is_named_as_it_is_listed(tmp_path):
    """``make photos`` links data/photos/*.jpg into data/train: a run records them by their name in
    data/train, not by an absolute path that breaks when the checkout moves."""
    from gancore.data.split import relative_name

    (tmp_path / "photos").mkdir()
    (tmp_path / "train").mkdir()
    (tmp_path / "photos" / "a.jpg").write_bytes(b"x")
    (tmp_path / "train" / "a.jpg").symlink_to("../photos/a.jpg")
    assert relative_name(tmp_path / "train" / "a.jpg", tmp_path / "train") == "a.jpg"
    assert relative_name(tmp_path / "photos" / "a.jpg", tmp_path / "train") == str(tmp_path / "photos/a.jpg")
    (tmp_path / "train" / "b.jpg").write_bytes(b"y")
    (tmp_path / "link").symlink_to(tmp_path / "train")  # the folder reached by another way: resolved
    assert relative_name(tmp_path / "link" / "b.jpg", tmp_path / "train") == "b.jpg"


def _twin(src, dst, scale: float, quality: int):
    with Image.open(src) as im:
        im.resize((int(im.width * scale), int(im.height * scale))).save(dst, quality=quality)


def test_a_continuation_is_checked_on_photos_its_start_never_trained_on(tmp_path):
    root = _folder(tmp_path, 20)
    first = split_folder(root)
    held, trained = {p.resolve() for p in first.val}, {p.resolve() for p in first.train}
    for src in PHOTOS[20:30]:  # the folder grows by ten photos
        shutil.copy(src, root / src.name)
    _twin(first.val[0], root / "zz-held-twin.jpg", 2 / 3, 70)
    _twin(first.train[0], root / "zz-trained-twin.jpg", 3 / 4, 80)
    s = continued_split(root, held, trained, "run-a's model")
    val = {p.resolve() for p in s.val}
    assert held <= val, "what the start was checked on stays held out"
    assert not val & trained, "never a photo the start trained on"
    assert (root / "zz-held-twin.jpg").resolve() in val and root / "zz-trained-twin.jpg" in s.train
    grown = split_folder(root)  # the photos added since: held out as the default split of the grown folder says
    new = [p for p in grown.val if p.resolve() not in held | trained and "twin" not in p.name]
    assert new and all(p.resolve() in val for p in new)
    assert not set(s.val) & set(s.train) and len(s.val) + len(s.train) == 32
    assert "run-a's model was checked on" in s.note and "never trained on" in s.note


def test_a_continuation_without_a_record_of_its_training_holds_out_only_the_same_photos(tmp_path):
    root = _folder(tmp_path, 12)
    first = split_folder(root)
    held = {p.resolve() for p in first.val}
    shutil.copy(PHOTOS[12], root / PHOTOS[12].name)
    s = continued_split(root, held, None, "its model")
    assert {p.resolve() for p in s.val} == held and len(s.train) == 11
    (tmp_path / "other").mkdir()
    elsewhere = _folder(tmp_path / "other", 6)
    assert continued_split(elsewhere, held, None, "its model") is None, "none of its photos: no such split"
