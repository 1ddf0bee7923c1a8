"""Comparison sheets: a GAN upscaler's sheet also shows the PSNR model it was fine-tuned from; the peers
have a column each; every tile of a method is captioned with its scores."""

from __future__ import annotations

import numpy as np
from PIL import Image

from apps.suite.sheets import LABEL, ROW, superres_sheet
from apps.superres.infer import Upscaler
from tests.helpers import ROOT

MODELS = ROOT / "assets" / "models"


def _photo() -> list[tuple[str, np.ndarray]]:
    with Image.open(ROOT / "assets" / "eval" / "lxqt-fog.jpg") as im:
        return [("fog", np.asarray(im.convert("RGB").resize((160, 120))))]


def _tile(sheet: Image.Image, column: int) -> np.ndarray:
    """The first row's tile in ``column`` (tiles are ROW px square for square crops, 4 px apart)."""
    x, y = column * (ROW + 4), LABEL + 22
    return np.asarray(sheet.convert("RGB").crop((x, y, x + ROW, y + ROW)))


def test_gan_sheet_adds_the_psnr_models_column_between_bicubic_and_the_gan_model():
    psnr = Upscaler.load(MODELS / "superres-x2.safetensors", "cpu")
    gan = Upscaler.load(MODELS / "superres-x2-gan.safetensors", "cpu")
    photos = _photo()
    alone = superres_sheet(psnr, photos, use_peers=False)
    both = superres_sheet(gan, photos, psnr=psnr, use_peers=False)
    assert alone.width == 4 * ROW + 3 * 4 and both.width == 5 * ROW + 4 * 4
    for column in (0, 1):  # the LR input and bicubic: the same in both sheets
        assert np.array_equal(_tile(alone, column), _tile(both, column))
    assert np.array_equal(_tile(alone, 2), _tile(both, 2)), "column 3 of the GAN sheet is the PSNR model"
    assert not np.array_equal(_tile(both, 2), _tile(both, 3)), "the GAN model's column differs from it"
    assert np.array_equal(_tile(alone, 3), _tile(both, 4)), "the truth, last in both"
    assert alone.height == LABEL + 22 + 2 * (ROW + 4), "one row per photo and input: clean, then JPEG quality 75"


def test_upscaler_sheet_has_a_column_per_peer_and_captions_the_scores():
    from apps import peers

    up = Upscaler.load(MODELS / "superres-x4.safetensors", "cpu")
    photos = _photo()
    plain = superres_sheet(up, photos, use_peers=False)
    with_peers = superres_sheet(up, photos, use_peers=True)
    n = len(peers.UPSCALERS)
    assert with_peers.width == plain.width + n * (ROW + 4), "one more column per peer"
    assert np.array_equal(_tile(plain, 2), _tile(with_peers, 2)), "our columns are the same"
    caption = _tile(plain, 2)[-10:, :70]  # the white strip at the tile's foot holds the scores
    assert (caption == 255).all(axis=2).mean() > 0.5 and (caption < 128).any(), "a caption: dark text on white"
    bare = _tile(plain, 3)[-10:, :70]  # the truth has no caption
    assert (bare == 255).all(axis=2).mean() < 0.5
