"""16 bits a colour channel through the upscaler's ``run`` (apps/superres/wide.py)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageCms, ImageOps

from apps.superres.infer import FolderUpscaler
from apps.superres.wide import ORIENT, WidePicture, read_wide
from gancore.batch import process_folder
from gancore.data import open_image


def write16(path: Path, rgb: np.ndarray) -> None:
    """RGB(A) uint16 ``(H, W, 3 or 4)`` to a 16-bit PNG or TIFF (OpenCV, which writes BGR(A))."""
    order = [2, 1, 0, 3][: rgb.shape[2]]
    assert cv2.imwrite(str(path), np.ascontiguousarray(rgb[..., order]))


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def with_chunk(path: Path, chunk: bytes) -> None:
    """Insert a PNG chunk before the first IDAT (OpenCV writes neither EXIF nor a colour profile)."""
    png = path.read_bytes()
    i = png.index(b"IDAT") - 4
    path.write_bytes(png[:i] + chunk + png[i:])


def exif_chunk(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    raw = exif.tobytes()
    return png_chunk(b"eXIf", raw[6:] if raw.startswith(b"Exif\x00\x00") else raw)


@pytest.fixture(scope="module")
def photo16(small_photos) -> np.ndarray:
    """A bundled photo as uint16 RGB with low bytes that are not a copy of the high ones."""
    rgb = np.asarray(Image.open(sorted(small_photos.rglob("*.jpg"))[0]).convert("RGB"))[:40, :56]
    noise = np.random.default_rng(0).integers(0, 256, rgb.shape)
    return (rgb.astype(np.uint32) * 256 + noise).astype(np.uint16)


@pytest.mark.parametrize("ext", ["png", "tif"])
def test_a_16_bit_colour_file_is_read_whole(tmp_path, photo16, ext):
    write16(tmp_path / f"a.{ext}", photo16)
    layers = read_wide(tmp_path / f"a.{ext}")
    assert layers is not None and layers.alpha is None
    assert layers.colour.dtype == np.uint16 and np.array_equal(layers.colour, photo16), "every bit, in RGB order"
    rgba = np.dstack([photo16, np.full(photo16.shape[:2], 40000, np.uint16)])
    write16(tmp_path / f"b.{ext}", rgba)
    layers = read_wide(tmp_path / f"b.{ext}")
    assert np.array_equal(layers.colour, photo16) and layers.alpha.dtype == np.uint16 and (layers.alpha == 40000).all()


def test_files_it_does_not_cover_go_the_8_bit_way(tmp_path, photo16):
    Image.fromarray((photo16 >> 8).astype(np.uint8)).save(tmp_path / "eight.png")
    Image.fromarray(photo16[..., 0]).save(tmp_path / "gray16.png")  # I;16: modes.split keeps it
    write16(tmp_path / "lab.png", photo16)
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()  # not sRGB: converted at 8 bits
    with_chunk(tmp_path / "lab.png", png_chunk(b"iCCP", b"lab\x00\x00" + zlib.compress(profile)))
    write16(tmp_path / "srgb.png", photo16)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    with_chunk(tmp_path / "srgb.png", png_chunk(b"iCCP", b"srgb\x00\x00" + zlib.compress(srgb)))
    (tmp_path / "text.png").write_text("not a picture")
    for name in ("eight.png", "gray16.png", "lab.png", "text.png"):
        assert read_wide(tmp_path / name) is None, name
    assert np.array_equal(read_wide(tmp_path / "srgb.png").colour, photo16), "an sRGB profile changes nothing"


@pytest.mark.parametrize("orientation", range(1, 9))
def test_orientation_turns_as_pillow_turns_an_8_bit_picture(tmp_path, photo16, orientation):
    write16(tmp_path / "turned.png", photo16)
    with_chunk(tmp_path / "turned.png", exif_chunk(orientation))
    layers = read_wide(tmp_path / "turned.png")
    eight = np.asarray(open_image(tmp_path / "turned.png"))  # Pillow: high bytes, EXIF applied
    assert eight.shape[:2] != photo16.shape[:2] or orientation < 5
    assert np.array_equal((layers.colour >> 8).astype(np.uint8), eight)
    # and the table itself, against ImageOps.exif_transpose on an 8-bit picture with that tag
    img = Image.fromarray((photo16 >> 8).astype(np.uint8))
    exif = img.getexif()
    exif[0x0112] = orientation
    img.info["exif"] = exif.tobytes()
    turn = ORIENT.get(orientation, lambda a: a)
    assert np.array_equal(np.asarray(ImageOps.exif_transpose(img)), turn(np.asarray(img)))


def test_a_wide_picture_saves_a_16_bit_png(tmp_path, photo16):
    alpha = np.arange(photo16.shape[0] * photo16.shape[1], dtype=np.uint16).reshape(photo16.shape[:2]) * 7
    WidePicture(photo16).save(tmp_path / "rgb.png")
    WidePicture(photo16, alpha).save(tmp_path / "rgba.png")
    back = cv2.imread(str(tmp_path / "rgb.png"), cv2.IMREAD_UNCHANGED)
    assert back.dtype == np.uint16 and np.array_equal(back[..., ::-1], photo16)
    back = cv2.imread(str(tmp_path / "rgba.png"), cv2.IMREAD_UNCHANGED)
    assert np.array_equal(back[..., [2, 1, 0]], photo16) and np.array_equal(back[..., 3], alpha)
    with pytest.raises(ValueError, match="uint16"):
        WidePicture((photo16 >> 8).astype(np.uint8))


def test_run_keeps_16_bits_a_colour_channel(tmp_path, upscaler, photo16, capsys):
    """A 48-bit PNG or TIFF came out of ``run`` with 8 bits a channel: now 16, and the detail that lives only
    in the low bytes (a gradient under one 8-bit level) is upscaled instead of lost."""
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    write16(src / "photo.tif", photo16)
    ramp = np.broadcast_to(np.linspace(1000, 1200, 56).astype(np.uint16)[None, :, None], (40, 56, 3))  # < 1 level
    write16(src / "faint.png", np.ascontiguousarray(ramp))
    Image.fromarray((photo16 >> 8).astype(np.uint8)).save(src / "eight.png")
    report = process_folder(src, out, FolderUpscaler(upscaler), progress=False)
    assert report.ok and len(report.done) == 3
    assert "16 bits a colour channel" not in capsys.readouterr().err, "nothing is reduced, so no note"
    photo = cv2.imread(str(out / "photo.png"), cv2.IMREAD_UNCHANGED)[..., ::-1]
    eight = np.asarray(Image.open(out / "eight.png"))
    assert photo.dtype == np.uint16 and photo.shape == (80, 112, 3)
    assert (photo % 257 != 0).mean() > 0.5, "16-bit values, not 8-bit levels"
    assert np.abs((photo.astype(np.float64) / 257) - eight).mean() < 2.0, "the same picture as the 8-bit run's"
    faint = cv2.imread(str(out / "faint.png"), cv2.IMREAD_UNCHANGED).astype(np.float64)
    row = faint[40, 8:-8, 1]
    assert row[-1] - row[0] > 100 and np.corrcoef(row, np.arange(row.size))[0, 1] > 0.9, "the faint ramp is kept"
