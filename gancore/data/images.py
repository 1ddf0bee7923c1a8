"""Reading image files of any common kind into one form: RGB ``uint8`` arrays ``(H, W, 3)``.

EXIF orientation is applied and an embedded colour profile converted to sRGB (profiles.py); gray,
gray+alpha, RGBA, palette, CMYK and 16-bit images are converted (alpha is composited over white).
Unreadable files raise ``BadImage`` with the reason.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from ..errors import UserError
from .profiles import to_srgb

EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff")


class BadImage(Exception):
    """A file that cannot be decoded as an image."""


def list_images(root: str | Path) -> list[Path]:
    """Every image file under ``root`` (recursive, sorted, hidden files and folders skipped). Symbolic links
    to folders are followed (each real folder once, so a link back up the tree is no loop)."""
    root = Path(root)
    found, seen = [], set()
    for folder, dirs, files in os.walk(root, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:  # a loop, or a folder reached twice: read once
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            p = Path(folder) / name
            if not name.startswith(".") and p.suffix.lower() in EXTENSIONS and p.is_file():
                found.append(p)
    return sorted(found)


def companion_image(folder: str | Path, rel: str | Path) -> Path | None:
    """The file under ``folder`` that goes with the input at ``rel`` (relative to the input folder):
    first the input's whole name with an image extension added (``a.jpg`` -> ``a.jpg.png``: it names this
    input alone, so it wins when ``a.jpg`` and ``a.png`` lie side by side); else the same sub-folders
    and stem, any image extension (an inpainter's mask, a colorizer's hints)."""
    base = Path(folder) / rel
    for make in (lambda suffix: base.with_name(base.name + suffix), base.with_suffix):
        for ext in EXTENSIONS:
            for suffix in (ext, ext.upper()):
                cand = make(suffix)
                if cand.is_file():
                    return cand
    return None


def require_images(root: str | Path) -> list[Path]:
    """``list_images(root)``, or a UserError if ``root`` is missing or holds no image."""
    root = Path(root)
    if not root.is_dir():
        raise UserError(f"data folder not found: {root}")
    files = list_images(root)
    if not files:
        raise UserError(f"no images ({', '.join(e[1:] for e in EXTENSIONS)}) under {root}")
    return files


def iter_rgb(files: list[Path], failed: list[str]) -> Iterator[tuple[Path, np.ndarray]]:
    """``(path, RGB uint8 (H, W, 3))`` for each readable file; the others are named on stderr and
    appended to ``failed`` (what every app's ``eval`` does with a folder)."""
    for path in files:
        try:
            rgb = read_rgb(path)
        except BadImage as err:
            failed.append(str(path))
            print(f"error: {err}", file=sys.stderr)
            continue
        yield path, rgb


# Single-channel modes wider than 8 bits and the value of their full white: read from the mode, never
# guessed from the pixels (a dark 16-bit photo is not an 8-bit one). ``I`` is how Pillow opens many
# 16-bit PNGs and TIFFs: 0..65535 (more is clipped); ``F`` (float TIFFs) is 0..1.
WIDE_MODES = {"I;16": 65535.0, "I;16L": 65535.0, "I;16B": 65535.0, "I;16N": 65535.0, "I": 65535.0, "F": 1.0}


def wide_gray(img: Image.Image) -> np.ndarray:
    """A ``WIDE_MODES`` image as float64 ``(H, W)`` in [0, 1], scaled by its mode's white (NaN counts as 0)."""
    arr = np.asarray(img, dtype=np.float64) / WIDE_MODES[img.mode]
    return np.clip(np.nan_to_num(arr, nan=0.0), 0.0, 1.0)


def to_rgb(img: Image.Image) -> Image.Image:
    """Any PIL mode to 8-bit RGB; transparency is composited over white; wide gray by its mode's range."""
    if img.mode in WIDE_MODES:
        img = Image.fromarray((wide_gray(img) * 255.0 + 0.5).astype(np.uint8), "L")
    if img.mode == "P":
        img = img.convert("RGBA")
    if img.mode in ("LA", "RGBA", "PA"):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba)
    return img.convert("RGB")


def colour_bits(img: Image.Image) -> int:
    """Bits a channel a not yet decoded RGB(A) ``img`` stores in its file (16 for a 48- or 64-bit PNG or TIFF,
    which Pillow decodes to 8), from its decoder's raw mode; 8 for any other colour picture, 0 for the rest."""
    if img.mode not in ("RGB", "RGBA"):
        return 0
    for tile in getattr(img, "tile", None) or ():
        args = tile[3] if len(tile) > 3 else None
        raw = args if isinstance(args, str) else (args[0] if isinstance(args, tuple) and args else "")
        if isinstance(raw, str) and ";16" in raw:
            return 16
    return 8


# ``open_image`` runs in `run`'s reader threads, where ``warnings.catch_warnings`` is not safe: the
# decompression-bomb size check is done here instead, and Pillow's own warning silenced.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


def open_image(path: str | Path, notes: bool = False) -> Image.Image:
    """Open and fully decode ``path`` with EXIF orientation applied and its colour profile converted to
    sRGB (the mode unchanged, except CMYK with a profile: RGB).

    Pictures over Pillow's ``Image.MAX_IMAGE_PIXELS`` (decompression-bomb guard) are refused before decoding.
    An animation or a multi-page file gives its first frame; a colour picture with 16 bits a channel (a 48- or
    64-bit PNG or TIFF) is read with 8 (Pillow keeps the high byte; 16-bit gray keeps its range, see
    ``WIDE_MODES``). ``notes`` says either on stderr (``run``), so neither is silent.
    """
    try:
        with Image.open(path) as img:
            limit = Image.MAX_IMAGE_PIXELS
            if limit is not None and img.width * img.height > limit:
                raise BadImage(
                    f"{path}: cannot read image ({img.width}x{img.height} is over the {limit} pixel limit "
                    f"against decompression bombs; run --max-pixels N raises it)"
                )
            wide_colour = colour_bits(img) > 8  # known from the header only, before decoding
            img.load()  # decode now: a truncated file fails here, not later
            frames = getattr(img, "n_frames", 1)
            if notes and frames > 1:
                print(f"note: {path} has {frames} frames (an animation or pages); the first is used", file=sys.stderr)
            if notes and wide_colour:
                print(f"note: {path} has 16 bits a colour channel; it is read, and written, with 8", file=sys.stderr)
            return to_srgb(ImageOps.exif_transpose(img), str(path))
    except Image.DecompressionBombError:  # Pillow refuses pictures over twice its limit in open() itself
        raise BadImage(f"{path}: cannot read image (over the {Image.MAX_IMAGE_PIXELS} pixel limit against "
                       "decompression bombs; run --max-pixels N raises it)") from None  # fmt: skip
    except (OSError, ValueError, SyntaxError) as err:
        raise BadImage(f"{path}: cannot read image ({err})") from None


def read_rgb(path: str | Path, notes: bool = False) -> np.ndarray:
    """``path`` decoded to RGB ``uint8`` ``(H, W, 3)``."""
    return np.asarray(to_rgb(open_image(path, notes)))
