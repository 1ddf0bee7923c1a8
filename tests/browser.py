"""Helpers for the demo pages' browser tests: serve an app's demo as a real process, drive Chromium.

with serve_demo("inpainter", model, tmp_path) as url, chromium() as browser:
    page = browser.new_page(); page.goto(url)
"""

from __future__ import annotations

import base64
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.helpers import ROOT

CHROMIUM = "/usr/bin/chromium"
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


@contextlib.contextmanager
def serve_demo(app: str, model: Path | None, tmp_path: Path, timeout: float = 180) -> Iterator[str]:
    """``python -m apps.<app> demo`` (``app=""``, ``model=None``: the suite's ``python -m apps demo``) on a
    free port; yields its URL once it answers; kills its group after."""
    port = free_port()
    log = tmp_path / f"{app or 'suite'}-server.log"
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1"}
    module = f"apps.{app}" if app else "apps"
    cmd = [sys.executable, "-m", module, "demo", "--host", "127.0.0.1", "--port", str(port)]
    if model is not None:
        cmd += ["--model", str(model)]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            assert proc.poll() is None, f"demo server exited ({proc.returncode}):\n{log.read_text()}"
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, (
                f"demo server did not answer at {url} in {timeout} s:\n{log.read_text()}"
            )
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


@contextlib.contextmanager
def chromium():
    """Headless Chromium through Playwright (the flags DESIGN.md gives for this environment)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def fetch(page, src: str) -> bytes:
    """The bytes behind an ``<img src>``: a data URL or a file the server hands out."""
    if src.startswith("data:"):
        return base64.b64decode(src.split(",", 1)[1])
    response = page.request.get(src)
    assert response.ok, f"GET {src}: {response.status}"
    return response.body()
