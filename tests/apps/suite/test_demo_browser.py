"""``python -m apps demo`` in a real browser: one page, three tabs, and each tab's first example runs
and shows a result (the page a new user meets with ``make demo``)."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser import chromium, fetch, serve_demo

TABS = [  # (tab label, app, button id, output image id, expected output size or None)
    ("Colorize", "colorizer", "#colorize-button", "#output-image", None),
    ("Fill holes", "inpainter", "#fill-button", "#output-image", (512, None)),
    ("Upscale", "superres", "#upscale-button", "#output", (800, None)),
]


@pytest.fixture(scope="module")
def suite_url(tmp_path_factory):
    with serve_demo("", None, tmp_path_factory.mktemp("suite")) as url:
        yield url


def test_three_tabs_each_example_runs_and_shows_a_result(suite_url):
    with chromium() as browser:
        page = browser.new_page()
        page.goto(suite_url)
        tabs = page.get_by_role("tab")
        expect(tabs).to_have_count(3, timeout=30_000)
        assert [t.inner_text().strip() for t in tabs.all()] == [t[0] for t in TABS]
        for label, app, button, output, size in TABS:
            page.get_by_role("tab", name=label).click()
            panel = page.locator(f"#tab-{app}")
            expect(panel).to_be_visible(timeout=10_000)
            expect(
                panel.get_by_text("Model: `assets/models/", exact=False).or_(panel.get_by_text("Model:"))
            ).to_be_visible()
            panel.locator(".gallery-item, tr.tr-body").first.click()
            result = panel.locator(f"{output} img")
            for _ in range(4):  # on a loaded machine the example may still be loading into the input when the
                panel.locator(button).click()  # button is pressed: the page answers "Error"; press it again
                answer = result.or_(panel.get_by_text("Error", exact=True)).first
                expect(answer).to_be_visible(timeout=120_000)  # an event: the result, or the error
                if result.count():
                    break
                expect(panel.get_by_text("Error", exact=True)).to_have_count(0, timeout=120_000)  # the error clears
            expect(result).to_have_attribute("src", re.compile(r"\S"), timeout=120_000)
            with Image.open(io.BytesIO(fetch(page, result.get_attribute("src")))) as out:
                assert out.format == "PNG", app
                if size is not None:
                    assert out.width == size[0], (app, out.size)
