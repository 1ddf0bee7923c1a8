"""The colorizer's demo page, driven in a real browser as a user would.

Starts ``python -m apps.colorizer demo`` with the shipped model as a subprocess, opens the page in
headless Chromium, uploads a gray photo, clicks Colorize and checks the picture that comes back:
a PNG, the photo's own size, RGB and actually in colour. The uploaded file must be left untouched.
"""

from __future__ import annotations

import base64
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[3]
MODEL = ROOT / "assets" / "models" / "colorizer.safetensors"
PHOTO = ROOT / "assets" / "photos" / "lomiri-aitzgorri.jpg"
SIZE = (320, 240)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def demo_url(tmp_path):
    """The demo served by the CLI on a free port; its output is logged to a file, its process group killed after."""
    port = free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1"}
    cmd = [
        sys.executable,
        "-m",
        "apps.colorizer",
        "demo",
        "--model",
        str(MODEL),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, f"demo server exited ({proc.returncode}):\n{log.read_text()}"
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"demo server did not answer at {url} in 120 s:\n{log.read_text()}"
            time.sleep(0.5)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def fetch(page, src: str) -> bytes:
    if src.startswith("data:"):
        return base64.b64decode(src.split(",", 1)[1])
    response = page.request.get(src)
    assert response.ok, f"GET {src}: {response.status}"
    return response.body()


def test_colorize_a_gray_photo_in_the_browser(demo_url, tmp_path):
    photo = tmp_path / "gray.png"
    Image.open(PHOTO).convert("L").resize(SIZE, Image.Resampling.LANCZOS).save(photo)
    before = photo.read_bytes()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(demo_url)
            page.locator("#input-image input[type=file]").set_input_files(photo)
            expect(page.locator("#input-image img")).to_have_attribute("src", re.compile(r"gray\.png$"), timeout=30_000)
            page.locator("#colorize-button").click()
            result = page.locator("#output-image img")
            expect(result).to_have_attribute("src", re.compile(r"\S"), timeout=60_000)
            data = fetch(page, result.get_attribute("src"))
        finally:
            browser.close()

    out = Image.open(io.BytesIO(data))
    assert out.format == "PNG"
    assert out.size == SIZE
    assert out.mode == "RGB"
    rgb = np.asarray(out, dtype=np.int16)
    colourfulness = float((rgb.max(axis=2) - rgb.min(axis=2)).mean())
    assert colourfulness > 2.0, f"the output is gray (mean channel spread {colourfulness:.2f})"
    assert photo.read_bytes() == before
