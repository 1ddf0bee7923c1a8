"""Texture inside a hole: 1 for the truth, near 0 for a flat fill, ordered by blur, seam-free."""

from __future__ import annotations

import itertools

import cv2
import numpy as np
from PIL import Image

from apps.measures.texture import eroded, texture_ratio
from tests.helpers import ROOT


def _photo() -> np.ndarray:
    with Image.open(ROOT / "assets" / "eval" / "gcompris-erase-toucan.jpg") as im:
        return np.asarray(im.convert("RGB").resize((384, 256)))


def _box(h=256, w=384) -> np.ndarray:
    hole = np.zeros((h, w), bool)
    hole[60:180, 100:260] = True
    return hole


def test_the_truth_scores_one_and_its_mean_colour_near_zero():
    rgb, hole = _photo(), _box()
    assert texture_ratio(rgb, rgb, hole) == 1.0
    flat = rgb.copy()
    flat[hole] = rgb[hole].mean(0).round().astype(np.uint8)
    assert texture_ratio(flat, rgb, hole) < 0.02


def test_more_blur_scores_less_texture():
    rgb, hole = _photo(), _box()
    scores = []
    for sigma in (0.7, 1.5, 3.0, 6.0):
        out = rgb.copy()
        out[hole] = cv2.GaussianBlur(rgb, (0, 0), sigma)[hole]
        scores.append(texture_ratio(out, rgb, hole))
    assert all(a > b for a, b in itertools.pairwise(scores)), scores
    assert 0 < scores[-1] < 0.5 < scores[0] < 1


def test_noise_scores_above_one():
    rgb, hole = _photo(), _box()
    noisy = rgb.astype(np.int16) + np.random.default_rng(0).normal(0, 25, rgb.shape).round().astype(np.int16)
    out = np.where(hole[..., None], np.clip(noisy, 0, 255), rgb).astype(np.uint8)
    assert texture_ratio(out, rgb, hole) > 1.2


def test_the_holes_edge_is_not_counted():
    """A flat fill has a strong step at the hole's edge; erosion keeps it out of the score."""
    rgb, hole = _photo(), _box()
    black = rgb.copy()
    black[hole] = 0
    assert texture_ratio(black, rgb, hole) == 0.0
    assert texture_ratio(black, rgb, hole, erode=0) > 0.1, "without erosion the edge would count"


def test_a_hole_that_erodes_to_nothing_is_nan():
    rgb = _photo()
    thin = np.zeros(rgb.shape[:2], bool)
    thin[100:104, :] = True  # 4 px high: nothing left after 3 px of erosion from each side
    assert not eroded(thin).any()
    assert np.isnan(texture_ratio(rgb, rgb, thin))
