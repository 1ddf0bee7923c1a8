"""The colorizer's demo page, driven in a real browser as a user would.

Starts ``python -m apps.colorizer demo`` with the shipped model as a subprocess, opens the page in
headless Chromium, uploads a gray photo, clicks Colorize and checks the picture that comes back:
a PNG, the photo's own size, RGB and actually in colour. The uploaded file must be left untouched.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser import chromium, fetch, serve_demo
from tests.helpers import ROOT

MODEL = ROOT / "assets" / "models" / "colorizer.safetensors"
PHOTO = ROOT / "assets" / "photos" / "lomiri-aitzgorri.jpg"
SIZE = (320, 240)


@pytest.fixture
def demo_url(tmp_path):
    with serve_demo("colorizer", MODEL, tmp_path) as url:
        yield url


def test_colorize_a_gray_photo_in_the_browser(demo_url, tmp_path):
    photo = tmp_path / "gray.png"
    Image.open(PHOTO).convert("L").resize(SIZE, Image.Resampling.LANCZOS).save(photo)
    before = photo.read_bytes()

    with chromium() as browser:
        page = browser.new_page()
        page.goto(demo_url)
        page.locator("#input-image input[type=file]").set_input_files(photo)
        expect(page.locator("#input-image img")).to_have_attribute("src", re.compile(r"gray\.png$"), timeout=30_000)
        page.locator("#colorize-button").click()
        result = page.locator("#output-image img")
        expect(result).to_have_attribute("src", re.compile(r"\S"), timeout=60_000)
        data = fetch(page, result.get_attribute("src"))

    out = Image.open(io.BytesIO(data))
    assert out.format == "PNG"
    assert out.size == SIZE
    assert out.mode == "RGB"
    rgb = np.asarray(out, dtype=np.int16)
    colourfulness = float((rgb.max(axis=2) - rgb.min(axis=2)).mean())
    assert colourfulness > 2.0, f"the output is gray (mean channel spread {colourfulness:.2f})"
    assert photo.read_bytes() == before
