"""The colorizer page's handlers, called as Gradio calls them."""

from __future__ import annotations

import numpy as np
from PIL import Image

from apps.colorizer.demo import as_gray, painted_hints


def test_showing_the_photo_gray_keeps_the_examples_strokes():
    """An example's strokes survive the handler that shows its photo gray (it cleared them: the page then
    colorized without the hints it showed)."""
    photo = Image.new("RGB", (40, 30), (200, 50, 50))
    stroke = Image.new("RGBA", (40, 30), (0, 0, 0, 0))
    for x in range(5, 15):
        stroke.putpixel((x, 10), (30, 60, 220, 255))
    value, note = as_gray({"background": photo, "layers": [stroke], "composite": None})
    gray = np.asarray(value["background"].convert("RGB")).astype(int)
    assert (np.ptp(gray, axis=2) <= 1).all(), "the photo is shown gray"
    assert len(value["layers"]) == 1 and np.array_equal(np.asarray(value["layers"][0]), np.asarray(stroke))
    hints = painted_hints(value["layers"], (40, 30))
    assert hints is not None and (hints[..., 3] >= 128).sum() == 10
    assert tuple(np.asarray(value["composite"])[10, 7][:3]) == (30, 60, 220), "the stroke shows over the gray"
    assert "gray" in note
