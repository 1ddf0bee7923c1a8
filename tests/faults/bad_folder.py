"""One folder of good, odd and bad inputs, shared by every app's ``run`` fault test.

``make(root)`` writes it and returns ``(good, bad)``: the relative paths (as ``bytes`` where the
name is not valid UTF-8) that must be processed, and those that must be named as failures.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

W, H = 40, 30


def _photo(seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (3, 4, 3), dtype=np.uint8)
    return Image.fromarray(small).resize((W, H), Image.Resampling.BICUBIC)


def _bytes(image: Image.Image, fmt: str, **kw) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **kw)
    return out.getvalue()


def _bomb_png() -> bytes:
    """A valid PNG header claiming 100000 x 100000 pixels (10 gigapixels), with almost no data."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def make(root: Path) -> tuple[set[str], set[str]]:
    root.mkdir(parents=True, exist_ok=True)
    good: dict[str, bytes] = {
        "plain.jpg": _bytes(_photo(1), "JPEG", quality=92),
        "sub/dir/nested.png": _bytes(_photo(2), "PNG"),
        "unicode name ü 写真.png": _bytes(_photo(3), "PNG"),
        "one.jpg": _bytes(_photo(4), "JPEG"),  # collides with one.png: both processed
        "one.png": _bytes(_photo(5), "PNG"),
        "cmyk.jpg": _bytes(_photo(6).convert("CMYK"), "JPEG"),
        "rgba.png": _bytes(_photo(7).convert("RGBA"), "PNG"),
        "palette.png": _bytes(_photo(8).convert("P", palette=Image.Palette.ADAPTIVE), "PNG", transparency=0),
        "tiny-1x1.png": _bytes(Image.new("RGB", (1, 1), (200, 30, 40)), "PNG"),
        "gray16.png": _bytes(Image.fromarray((np.arange(W * H).reshape(H, W) * 50).astype(np.uint16)), "PNG"),
    }
    _, rgb16 = cv2.imencode(".png", (np.random.default_rng(9).integers(0, 65535, (H, W, 3))).astype(np.uint16))
    good["rgb16.png"] = rgb16.tobytes()
    exif = _photo(10).getexif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to display
    good["exif-rotated.jpg"] = _bytes(_photo(10), "JPEG", exif=exif.tobytes())
    full = _bytes(_photo(11), "JPEG")
    png = _bytes(_photo(12), "PNG")
    bad: dict[str, bytes] = {
        "truncated.jpg": full[: len(full) // 2],
        "truncated.png": png[: len(png) // 2],
        "zero-bytes.png": b"",
        "text.png": b"this is not an image\n",
        "page.jpg": b"<!doctype html><html><body>404</body></html>",
        "bomb.png": _bomb_png(),
    }
    for name, data in {**good, **bad}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    # a name that is not valid UTF-8 (Latin-1 "é"): good content
    with open(os.path.join(os.fsencode(root), b"caf\xe9.png"), "wb") as f:
        f.write(_bytes(_photo(13), "PNG"))
    (root / "folder.png").mkdir()  # a directory with an image name: not a file, ignored
    (root / "dangling.png").symlink_to(root / "does-not-exist.png")
    (root / "loop-a.png").symlink_to(root / "loop-b.png")
    (root / "loop-b.png").symlink_to(root / "loop-a.png")
    good_names = set(good) | {os.fsdecode(b"caf\xe9.png")}
    return good_names, set(bad)
