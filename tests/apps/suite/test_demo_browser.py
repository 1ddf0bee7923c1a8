"""``python -m apps demo`` in a real browser: one page, three tabs; each tab's first example runs and
shows a result with a before/after slider that the mouse drives; the compare view puts two models'
results of one picture side by side (the page a new user meets with ``make demo``)."""

from __future__ import annotations

import io
import re

import numpy as np
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
            errors = panel.get_by_text("Error", exact=True)
            for attempt in range(6):  # on a loaded machine the example may still be loading into the inputs when
                panel.locator(button).click()  # the button is pressed: the page answers "Error"; press it again
                if attempt:  # the new run has started: its outputs no longer show the last run's error
                    expect(errors).to_have_count(0, timeout=120_000)
                expect(result.or_(errors).first).to_be_visible(timeout=240_000)  # an event: the result, or an error
                if result.count():
                    break
            assert result.count(), f"{app}: every press answered Error: {page.locator('.toast-body').all_inner_texts()}"
            expect(result).to_have_attribute("src", re.compile(r"\S"), timeout=120_000)
            with Image.open(io.BytesIO(fetch(page, result.get_attribute("src")))) as out:
                assert out.format == "PNG", app
                if size is not None:
                    assert out.width == size[0], (app, out.size)
            drag_the_slider(page, panel.locator("#before-after"), app)


def clip(image) -> float:
    """The after image's left inset in percent (``clip-path: inset(0 0 0 P%)``): where the slider stands."""
    style = image.get_attribute("style") or ""
    found = re.search(r"inset\(\S+ \S+ \S+ ([\d.]+)%\)", style)
    assert found, style
    return float(found.group(1))


def drag_the_slider(page, slider, app: str) -> None:
    """The slider shows before and after (two images); dragging its handle left uncovers more of the after."""
    images = slider.locator('[data-testid="imageslider-image"]')
    expect(images).to_have_count(2, timeout=30_000)
    for i in range(2):
        expect(images.nth(i)).to_have_attribute("src", re.compile(r"\S"))
    assert images.nth(0).get_attribute("src") != images.nth(1).get_attribute("src"), app
    start = clip(images.nth(1))
    slider.evaluate("el => el.scrollIntoView({block: 'center'})")  # no actionability wait: it is shown
    handle = slider.locator('[data-testid="slider"]').bounding_box()
    frame = slider.locator(".image-container").bounding_box()
    y = frame["y"] + frame["height"] / 2
    page.mouse.move(handle["x"] + handle["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(frame["x"] + frame["width"] * 0.2, y, steps=8)
    page.mouse.up()
    expect(images.nth(1)).not_to_have_attribute("style", re.compile(rf"inset\(\S+ \S+ \S+ {start:g}%"))
    assert clip(images.nth(1)) < start - 10, app


def test_the_compare_view_shows_two_models_side_by_side(suite_url):
    with chromium() as browser:
        page = browser.new_page()
        page.goto(suite_url)
        page.get_by_role("tab", name="Upscale").click()
        panel = page.locator("#tab-superres")
        expect(panel.locator("#compare-view")).to_be_hidden(timeout=30_000)
        first = panel.locator("#model input").input_value()
        panel.locator("#compare-model input").click()
        page.get_by_role("option", name=re.compile(r"^superres-x4-gan ")).click()
        expect(panel.locator("#compare-model input")).to_have_value(re.compile(r"^superres-x4-gan "))
        panel.locator(".gallery-item, tr.tr-body").first.click()
        expect(panel.locator("#input-image img")).to_be_visible(timeout=60_000)
        panel.locator("#upscale-button").click()
        view = panel.locator("#compare-view")
        expect(view).to_be_visible(timeout=240_000)
        pictures = []
        for side, name in (("#compare-a", first), ("#compare-b", "superres-x4-gan")):
            img = view.locator(f"{side} img")
            expect(img).to_have_attribute("src", re.compile(r"\S"), timeout=120_000)
            expect(view.locator(side)).to_contain_text(name)
            with Image.open(io.BytesIO(fetch(page, img.get_attribute("src")))) as out:
                assert out.format == "PNG"
                pictures.append(np.asarray(out.convert("RGB")))
        a, b = (view.locator(s).bounding_box() for s in ("#compare-a", "#compare-b"))
        assert b["x"] >= a["x"] + a["width"] - 1 and abs(a["y"] - b["y"]) < 5, "side by side"
        assert pictures[0].shape == pictures[1].shape and not np.array_equal(*pictures), "two models, two results"
