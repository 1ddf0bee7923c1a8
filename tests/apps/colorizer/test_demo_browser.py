"""The colorizer's demo page, driven in a real browser as a user would.

Starts ``python -m apps.colorizer demo`` with the shipped model as a subprocess, opens the page in
headless Chromium and uploads a colour photo: the editor shows it gray. Colorize without strokes
gives the automatic colours; a red stroke painted with the brush (red picked from the palette)
makes the output around the stroke red. The answers are PNGs of the photo's size, and the
uploaded file is left untouched.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
import torch
from PIL import Image
from playwright.sync_api import expect

from apps.colorizer.demo import PALETTE
from apps.colorizer.lab import rgb_to_lab_scaled
from tests.apps.inpainter.test_demo_browser import upload_photo
from tests.browser import chromium, fetch, serve_demo
from tests.helpers import ROOT

MODEL = ROOT / "assets" / "models" / "colorizer.safetensors"
PHOTO = ROOT / "assets" / "photos" / "lomiri-aitzgorri.jpg"  # a meadow and a forested hill
SIZE = (320, 240)
RED = PALETTE.index("#c0392b")


@pytest.fixture
def demo_url(tmp_path):
    with serve_demo("colorizer", MODEL, tmp_path) as url:
        yield url


def colorize_and_read(page) -> tuple[np.ndarray, str]:
    info = page.locator("#colorize-info")
    result = page.locator("#output-image img")
    previous = result.get_attribute("src") if result.count() else None
    page.locator("#colorize-button").click()
    if previous:  # a new answer (each gets its own file), not the last one still on the page
        expect(result).not_to_have_attribute("src", previous, timeout=60_000)
    expect(info).to_have_text(re.compile(r"^\s*Colorized"), timeout=60_000)  # the answer, not the pending timer
    expect(result).to_have_attribute("src", re.compile(r"\S"), timeout=60_000)
    out = Image.open(io.BytesIO(fetch(page, result.get_attribute("src"))))
    assert out.format == "PNG" and out.size == SIZE and out.mode == "RGB"
    return np.asarray(out), info.inner_text()


def mean_a(rgb: np.ndarray, rows: slice, cols: slice) -> float:
    """Mean CIE a* (green - / red +) of a region of an RGB uint8 picture."""
    x = torch.from_numpy(rgb[rows, cols].copy()).permute(2, 0, 1)[None].float() / 127.5 - 1
    return float(rgb_to_lab_scaled(x)[1][:, 0].mean() * 110)


def test_paint_a_red_stroke_and_the_output_turns_red_there(demo_url, tmp_path):
    photo = tmp_path / "photo.png"
    Image.open(PHOTO).convert("RGB").resize(SIZE, Image.Resampling.LANCZOS).save(photo)
    before = photo.read_bytes()
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(demo_url)
        upload_photo(page, photo)
        expect(page.locator("#colorize-info")).to_contain_text("gray", timeout=60_000)  # shown gray
        page.wait_for_timeout(500)
        # the editor reloads with the gray photo (its label hides meanwhile) before it takes strokes
        expect(page.locator("#editor").get_by_text("Photo: paint colour hints")).to_be_visible(timeout=60_000)
        page.wait_for_timeout(1500)
        auto, auto_info = colorize_and_read(page)
        assert "automatically" in auto_info

        page.locator("#editor button[aria-label=Color]").click()
        swatch = page.locator("#editor button.color:not(.colorpicker)").nth(RED)
        assert swatch.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(192, 57, 43)"
        swatch.click()
        page.locator("#editor button[aria-label=Brush]").first.click()
        for _ in range(3):  # under load the editor may still be redrawing the gray photo: paint again
            page.wait_for_timeout(1500)
            box = page.locator("#editor canvas").last.bounding_box()
            cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            for dy in (-6, 0, 6):  # three strokes across the middle of the photo
                page.mouse.move(cx - box["width"] * 0.12, cy + dy)
                page.mouse.down()
                for i in range(1, 13):
                    page.mouse.move(cx - box["width"] * 0.12 + i * box["width"] * 0.02, cy + dy)
                page.mouse.up()
            hinted, info = colorize_and_read(page)
            if "hint pixels" in info:
                break

    assert "hint pixels" in info, info
    around = (slice(SIZE[1] * 2 // 5, SIZE[1] * 3 // 5), slice(SIZE[0] * 2 // 5, SIZE[0] * 3 // 5))
    a_auto, a_hinted = mean_a(auto, *around), mean_a(hinted, *around)
    assert a_hinted > a_auto + 10 and a_hinted > 10, f"a* around the stroke: {a_auto:.1f} -> {a_hinted:.1f}"
    assert np.abs(auto.astype(int) - hinted.astype(int)).max() > 0
    spread = auto.max(axis=2).astype(int) - auto.min(axis=2)
    assert spread.mean() > 2.0, "the automatic output is in colour, not gray"
    assert photo.read_bytes() == before
