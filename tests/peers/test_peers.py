"""The peers, run for real in their own environment (``make peers``) through ``apps.peers``.

Each test gives the peers a real photo crop and checks what a broken bridge would lose: the right
size, pictures at least as faithful as their papers promise (DAT-light above bicubic, Real-ESRGAN
cleaner than bicubic), tiles without seams, known pixels kept by the fills, and a cache that answers
without running the peer again.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from apps import peers
from apps.measures import brisque, texture_ratio
from apps.superres.metrics import psnr_ssim
from gancore.errors import UserError
from tests.helpers import ROOT


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    """Every test computes afresh: its own cache folder."""
    monkeypatch.setenv(peers.CACHE_ENV, str(tmp_path / "cache"))


def _crop(name: str, side: int, short: int = 384) -> np.ndarray:
    with Image.open(ROOT / "assets" / "eval" / name) as im:
        im = im.convert("RGB")
        f = short / min(im.size)
        im = im.resize((round(im.width * f), round(im.height * f)), Image.Resampling.LANCZOS)
        x, y = (im.width - side) // 2, (im.height - side) // 2
        return np.asarray(im.crop((x, y, x + side, y + side)))


def _lr(hr: np.ndarray, s: int) -> np.ndarray:
    return np.asarray(Image.fromarray(hr).resize((hr.shape[1] // s, hr.shape[0] // s), Image.Resampling.BICUBIC))


def _bicubic(lr: np.ndarray, s: int) -> np.ndarray:
    return np.asarray(Image.fromarray(lr).resize((lr.shape[1] * s, lr.shape[0] * s), Image.Resampling.BICUBIC))


def test_the_environment_is_there():
    assert peers.available(), "make peers makes .venv-peers (make test does it first)"


def test_realesrgan_x4_is_cleaner_than_bicubic_and_stays_near_the_truth():
    hr = _crop("palapeli-cincinnati-bridge.jpg", 192)
    lr = _lr(hr, 4)
    (out, seconds), = peers.run("realesrgan-x4plus", {"a": lr}, scale=4).values()  # fmt: skip
    assert out.shape == hr.shape and out.dtype == np.uint8 and seconds > 0
    bic = _bicubic(lr, 4)
    assert brisque(out) < brisque(bic) - 10, "Real-ESRGAN's edges are clean where bicubic's are soft"
    assert psnr_ssim(out, hr, 4)[0] > psnr_ssim(bic, hr, 4)[0] - 3, "a GAN, but the same picture"


def test_realesrgan_tiles_have_no_seams_and_x2_is_its_outscale():
    lr = _lr(_crop("gcompris-clickgame-sea3.jpg", 848, short=900), 4)[:40]  # 40 x 212 LR: two tiles of 192
    got = peers.run("realesrgan-x4plus", {"wide": lr, "left": lr[:, :96]}, scale=4)
    wide, left = got["wide"][0], got["left"][0]
    assert wide.shape == (160, 212 * 4, 3)
    # far from both pictures' right edges the same LR pixels give the same output: tiles are exact
    assert psnr_ssim(left[:, : 60 * 4], wide[:, : 60 * 4], 0)[0] > 40
    # across the tile boundary (LR x = 192) the output steps no more than it does elsewhere
    steps = np.abs(np.diff(wide.astype(float), axis=1)).mean(axis=(0, 2))  # (W - 1,)
    assert steps[191 * 4 : 193 * 4].max() < 4 * np.median(steps)
    (x2, _), = peers.run("realesrgan-x4plus", {"left": lr[:, :96]}, scale=2).values()  # fmt: skip
    assert x2.shape == (80, 192, 3)


def test_dat_light_is_more_faithful_than_bicubic():
    hr = _crop("palapeli-cincinnati-bridge.jpg", 192)
    lr = _lr(hr, 4)
    (out, _), = peers.run("dat-light", {"a": lr}, scale=4).values()  # fmt: skip
    assert out.shape == hr.shape
    assert psnr_ssim(out, hr, 4)[0] > psnr_ssim(_bicubic(lr, 4), hr, 4)[0] + 0.3


@pytest.mark.parametrize("method", ["patchmatch", "xphoto-fsr"])
def test_fills_keep_every_known_pixel_and_fill_the_hole(method):
    rgb = _crop("gcompris-erase-meerkats.jpg", 160)
    hole = np.zeros(rgb.shape[:2], bool)
    hole[50:110, 40:100] = True
    (out, _), = peers.run(method, {"a": rgb}, masks={"a": hole}).values()  # fmt: skip
    assert np.array_equal(out[~hole], rgb[~hole]), "known pixels bit-identical"
    assert not np.array_equal(out[hole], rgb[hole])
    err = np.abs(out[hole].astype(float) - rgb[hole].astype(float)).mean()
    assert err < 60, f"{method}: the fill is nowhere near the photo (mean error {err:.1f})"
    if method == "patchmatch":
        assert texture_ratio(out, rgb, hole) > 0.4, "PatchMatch copies texture"


def test_the_cache_answers_without_running_the_peer(monkeypatch):
    rgb = _crop("gcompris-erase-meerkats.jpg", 64)
    hole = np.zeros(rgb.shape[:2], bool)
    hole[20:40, 20:40] = True
    first = peers.run("xphoto-fsr", {"a": rgb}, masks={"a": hole})

    def refuse(*args):
        raise AssertionError("the peer ran again")

    monkeypatch.setattr(peers, "_compute", refuse)
    again = peers.run("xphoto-fsr", {"a": rgb}, masks={"a": hole})
    assert np.array_equal(first["a"][0], again["a"][0]) and first["a"][1] == again["a"][1]
    other = hole.copy()
    other[0, 0] = True  # another mask is another key
    with pytest.raises(AssertionError, match="ran again"):
        peers.run("xphoto-fsr", {"a": rgb}, masks={"a": other})


def test_a_failing_peer_and_a_missing_environment_are_one_line_errors(monkeypatch, tmp_path):
    with pytest.raises(UserError, match="peer nope failed"):
        peers.run("nope", {"a": np.zeros((8, 8, 3), np.uint8)})
    monkeypatch.setattr(peers, "STAMP", tmp_path / "missing")
    assert not peers.available()
    with pytest.raises(UserError, match="make peers"):
        peers.run("patchmatch", {"a": np.zeros((8, 8, 3), np.uint8)})
