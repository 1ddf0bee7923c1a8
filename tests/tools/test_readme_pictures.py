"""The README's before/after pictures are what the shipped models do today: remade from the
evaluation split, they match the committed ones (a model changed without remaking them fails)."""

from __future__ import annotations

import numpy as np
from PIL import Image

from tools.readme_pictures import HEIGHT, PHOTOS, ROOT, main, pair


def test_a_pair_is_before_then_after_at_the_height():
    before = Image.new("RGB", (200, 100), (0, 0, 255))
    after = Image.new("RGB", (100, 50), (255, 0, 0))
    out = np.asarray(pair(before, after, ("a", "b")))
    assert out.shape == (HEIGHT, 4 * HEIGHT, 3)  # both fitted to HEIGHT high: 2 x 2 HEIGHT wide
    assert (out[10, 10] == (0, 0, 255)).all() and (out[10, 2 * HEIGHT + 10] == (255, 0, 0)).all()


def test_the_photos_are_in_the_evaluation_split():
    names = {p.name for p in (ROOT / "assets" / "eval").glob("*.jpg")}
    assert all(name in names for photos in PHOTOS.values() for name in photos)


def test_the_committed_pictures_are_the_models_output(tmp_path):
    assert main(["--out", str(tmp_path)]) == 0
    for app in PHOTOS:
        made = np.asarray(Image.open(tmp_path / f"{app}.jpg"), dtype=np.float32)
        committed = np.asarray(Image.open(ROOT / "assets" / "readme" / f"{app}.jpg"), dtype=np.float32)
        assert made.shape == committed.shape, app
        assert np.abs(made - committed).mean() < 1.5, f"{app}: remake assets/readme with tools/readme_pictures.py"
