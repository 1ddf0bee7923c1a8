"""The demo pages' uploads, through a running Gradio server and ``gradio_client``: a text file or an
empty file gets the page's own "not an image" message, and an oversized picture is refused from its
header, before it is decoded (the server's memory stays small)."""

from __future__ import annotations

import struct
import subprocess
import sys
import time
import zlib

import pytest
from gradio_client import Client, handle_file

from apps.uploads import NOT_AN_IMAGE
from tests.browser import free_port
from tests.helpers import ROOT


def _huge_png(width: int, height: int) -> bytes:
    """A real PNG header for width x height RGB with one all-zero row compressed (decodes to zeros)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    packer, row = zlib.compressobj(9), b"\0" * (1 + 3 * width)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()  # never the whole image
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "apps.colorizer", "demo", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    client = None
    while time.monotonic() < deadline and client is None:
        try:
            client = Client(url, verbose=False)
        except Exception:
            time.sleep(1)
    assert client is not None, "demo did not start"
    yield client, proc
    proc.terminate()
    proc.wait(timeout=30)


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024


@pytest.mark.parametrize("content", [b"this is not an image\n", b""], ids=["text", "empty"])
def test_not_an_image_is_said_in_the_pages_words(server, tmp_path, content):
    client, _ = server
    path = tmp_path / "photo.png"
    path.write_bytes(content)
    with pytest.raises(Exception) as err:
        client.predict(handle_file(str(path)), api_name="/colorize")
    assert NOT_AN_IMAGE in str(err.value) and "preprocess" not in str(err.value)


def test_an_oversized_picture_is_refused_from_its_header(server, tmp_path):
    client, proc = server
    path = tmp_path / "huge.png"
    path.write_bytes(_huge_png(12000, 12000))  # 144 MP, 432 MB decoded
    before = _rss_mb(proc.pid)
    with pytest.raises(Exception) as err:
        client.predict(handle_file(str(path)), api_name="/colorize")
    assert "12000 x 12000" in str(err.value) and "up to 40 MP" in str(err.value)
    assert _rss_mb(proc.pid) - before < 200  # nothing was decoded
