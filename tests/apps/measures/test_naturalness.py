"""BRISQUE, the no-reference naturalness score: real photos through the real OpenCV model files.

Each property is one a broken measure would lose: blur, JPEG blocks and noise-free upscaling blur all
score less natural than the photo; the score is deterministic; bad input and missing model files
give clear errors.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from apps.measures import naturalness
from apps.measures.naturalness import brisque
from gancore.errors import UserError
from tests.helpers import ROOT

PHOTOS = ["jigsaw-pexels-photo-302304.jpg", "gcompris-clickgame-sea3.jpg", "palapeli-cincinnati-bridge.jpg"]


def _photo(name: str, short: int = 256) -> np.ndarray:
    with Image.open(ROOT / "assets" / "eval" / name) as im:
        im = im.convert("RGB")
        f = short / min(im.size)
        return np.asarray(im.resize((round(im.width * f), round(im.height * f)), Image.Resampling.LANCZOS))


def _jpeg(rgb: np.ndarray, quality: int) -> np.ndarray:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="JPEG", quality=quality)
    return np.asarray(Image.open(buf).convert("RGB"))


@pytest.mark.parametrize("name", PHOTOS)
def test_a_blurred_photo_scores_less_natural_than_the_sharp_one(name):
    sharp = _photo(name)
    blurred = cv2.GaussianBlur(sharp, (0, 0), 2.0)
    assert brisque(blurred) > brisque(sharp) + 10


@pytest.mark.parametrize("name", PHOTOS)
def test_a_jpeg_blocked_photo_scores_less_natural_than_the_clean_one(name):
    clean = _photo(name)
    assert brisque(_jpeg(clean, 10)) > brisque(clean) + 10


def test_a_bicubic_upscale_scores_far_less_natural_than_the_photo():
    """The eval's premise: a x4 bicubic upscale is visibly soft (photos ~5-20, bicubic ~55-60)."""
    hr = _photo(PHOTOS[1])[:192, :192]
    lr = Image.fromarray(hr).resize((48, 48), Image.Resampling.BICUBIC)
    up = np.asarray(lr.resize((192, 192), Image.Resampling.BICUBIC))
    assert brisque(hr) < 25 < 45 < brisque(up)


def test_the_score_is_deterministic_and_reads_rgb_not_bgr():
    rgb = _photo(PHOTOS[0])
    assert brisque(rgb) == brisque(rgb.copy())
    # luminance only: a colour-channel swap that keeps the gray level changes nothing large
    gray = np.repeat(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)[..., None], 3, axis=2)
    assert abs(brisque(gray) - brisque(rgb)) < 3


def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match="uint8"):
        brisque(np.zeros((64, 64, 3), np.float32))
    with pytest.raises(ValueError, match="at least 32"):
        brisque(np.zeros((16, 64, 3), np.uint8))


def test_missing_model_files_name_the_package_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(naturalness, "SYSTEM_DIRS", (tmp_path,))
    monkeypatch.delenv(naturalness.ENV, raising=False)
    with pytest.raises(UserError, match="opencv-data"):
        naturalness.brisque_files()
    monkeypatch.setenv(naturalness.ENV, str(tmp_path))
    with pytest.raises(UserError, match=naturalness.ENV):
        naturalness.brisque_files()
