"""``python -m apps demo``: one page, a tab per app, and the three endpoints a program uses, driven
through ``gradio_client`` against a running server."""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np
import pytest
from gradio_client import Client, handle_file
from PIL import Image

from tests.browser import free_port
from tests.helpers import ROOT


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The running page and its log file (the server's stdout and stderr)."""
    port = free_port()
    log = tmp_path_factory.mktemp("suite") / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "apps", "demo", "--port", str(port)], cwd=ROOT,
                                stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    deadline, found = time.monotonic() + 180, None
    while time.monotonic() < deadline and found is None:
        try:
            found = Client(f"http://127.0.0.1:{port}/", verbose=False)
        except Exception:
            if proc.poll() is not None:
                pytest.fail(log.read_text())
            time.sleep(1)
    assert found is not None, "the suite's page did not start"
    yield found, log
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def client(server):
    return server[0]


@pytest.fixture
def photo(tmp_path):
    rng = np.random.default_rng(0)
    small = rng.integers(0, 256, (6, 8, 3), dtype=np.uint8)
    path = tmp_path / "photo.png"
    Image.fromarray(small).resize((80, 60), Image.Resampling.BICUBIC).save(path)
    return path


def test_three_named_endpoints_each_returning_one_named_output(client):
    api = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert set(api) == {"/colorize", "/fill", "/upscale"}
    assert [p["label"] for p in api["/colorize"]["parameters"]] == ["image", "hints"]
    assert [p["label"] for p in api["/fill"]["parameters"]] == ["image", "mask"]
    assert [p["label"] for p in api["/upscale"]["parameters"]] == ["image", "scale"]
    for endpoint in api.values():
        assert len(endpoint["returns"]) == 1 and endpoint["returns"][0]["label"]


def test_colorize_returns_a_png_of_the_photos_size(client, photo):
    out = client.predict(handle_file(str(photo)), api_name="/colorize")
    with Image.open(out) as im:
        assert im.format == "PNG" and im.size == (80, 60)


def test_colorize_takes_an_optional_hint_image(client, photo, tmp_path):
    """A hint image (opaque pixels: the wanted colour) moves the colours where it is painted."""
    rgba = np.zeros((60, 80, 4), np.uint8)
    rgba[20:40, 20:60] = (30, 60, 230, 255)  # blue
    hints = tmp_path / "hints.png"
    Image.fromarray(rgba).save(hints)
    auto = np.asarray(Image.open(client.predict(handle_file(str(photo)), None, api_name="/colorize")), dtype=int)
    hinted = np.asarray(Image.open(client.predict(handle_file(str(photo)), handle_file(str(hints)),
                                                  api_name="/colorize")), dtype=int)  # fmt: skip
    blue = (hinted[20:40, 20:60, 2] - hinted[20:40, 20:60, 0]).mean()
    assert blue > (auto[20:40, 20:60, 2] - auto[20:40, 20:60, 0]).mean() + 10, "bluer where the hint is"


def test_upscale_takes_an_integer_scale(client, photo):
    out = client.predict(handle_file(str(photo)), 4, api_name="/upscale")
    with Image.open(out) as im:
        assert im.format == "PNG" and im.size == (320, 240)
    with pytest.raises(Exception, match="scale must be an integer from 2 to 4"):
        client.predict(handle_file(str(photo)), 5, api_name="/upscale")


def test_fill_leaves_every_pixel_outside_the_mask_bit_identical(client, photo, tmp_path):
    mask = np.zeros((60, 80), dtype=np.uint8)
    mask[20:35, 30:55] = 255
    mask_path = tmp_path / "mask.png"
    Image.fromarray(mask).save(mask_path)
    out = client.predict(handle_file(str(photo)), handle_file(str(mask_path)), api_name="/fill")
    with Image.open(out) as im:
        assert im.format == "PNG" and im.size == (80, 60)
        filled = np.asarray(im.convert("RGB"))
    original = np.asarray(Image.open(photo).convert("RGB"))
    outside = mask == 0
    assert np.array_equal(filled[outside], original[outside])
    assert not np.array_equal(filled[~outside], original[~outside])  # the hole was filled


def test_a_users_mistake_is_answered_and_logs_no_traceback(server, photo):
    client, log = server
    for scale in (5, "four", 2.5):
        with pytest.raises(Exception, match="scale must be an integer from 2 to 4"):
            client.predict(handle_file(str(photo)), scale, api_name="/upscale")
    with pytest.raises(Exception, match="Send a photo and a mask"):
        client.predict(handle_file(str(photo)), None, api_name="/fill")
    assert "Traceback" not in log.read_text()
