"""16 bits a colour channel through ``run``: a 48- or 64-bit PNG or TIFF (a raw developer's or a scanner's
output) is read at full precision, upscaled as 16-bit gray is, and written as a 16-bit PNG.

    layers = read_wide(path)            # Layers with uint16 colour (H, W, 3) and alpha, or None
    picture = join(rgb16, a16)          # modes.WidePicture; its ``save`` writes the 16-bit PNG

Pillow decodes such files to 8 bits a channel, so they are read with OpenCV instead (its orientation
taken from the file's EXIF, as ``open_image`` applies it). Files this reading does not cover go the
8-bit way, with ``open_image``'s note that says so: a colour profile other than sRGB (converted at 8
bits), several frames or pages, a picture over the decompression-bomb limit (refused there), or one
OpenCV cannot decode.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from gancore.data.images import colour_bits
from gancore.data.profiles import profile_name

from .modes import Layers, WidePicture  # noqa: F401  (WidePicture: what ``modes.join`` makes of them)

# EXIF orientation -> the same turn as Pillow's ``ImageOps.exif_transpose`` on an (H, W, C) array
ORIENT = {
    2: lambda a: a[:, ::-1],  # mirrored left-right
    3: lambda a: a[::-1, ::-1],  # turned 180
    4: lambda a: a[::-1],  # mirrored top-bottom
    5: lambda a: a.transpose(1, 0, 2),  # transposed
    6: lambda a: np.rot90(a, -1),  # turned 90 clockwise
    7: lambda a: a[::-1, ::-1].transpose(1, 0, 2),  # transversed
    8: lambda a: np.rot90(a, 1),  # turned 90 counter-clockwise
}


def _wide_colour(path: Path) -> int | None:
    """The file's EXIF orientation when it is 16-bit colour this module reads, else None (read the header only)."""
    try:
        with Image.open(path) as img:
            limit = Image.MAX_IMAGE_PIXELS
            if colour_bits(img) != 16 or getattr(img, "n_frames", 1) > 1:
                return None
            if limit is not None and img.width * img.height > limit:
                return None  # ``open_image`` refuses it, with the message that says how to allow it
            icc = img.info.get("icc_profile")
            if icc and not profile_name(icc).lower().startswith("srgb"):
                return None  # converted to sRGB by LittleCMS at 8 bits
            return int(img.getexif().get(0x0112, 1) or 1)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None  # ``open_image`` names what is wrong


def read_wide(path: str | Path) -> Layers | None:
    """``path``'s uint16 colour ``(H, W, 3)`` RGB and alpha ``(H, W)`` (or None) when it is a 16-bit colour
    picture this module reads (module docstring), oriented as its EXIF says; else None."""
    orientation = _wide_colour(Path(path))
    if orientation is None:
        return None
    data = np.fromfile(path, dtype=np.uint8)  # not cv2.imread: any file name, on any platform
    arr = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    if arr is None or arr.dtype != np.uint16 or arr.ndim != 3 or arr.shape[2] not in (3, 4):
        return None
    rgb = arr[..., 2::-1]  # OpenCV's BGR(A) -> RGB
    turn = ORIENT.get(orientation, lambda a: a)
    rgb = np.ascontiguousarray(turn(rgb))
    alpha = np.ascontiguousarray(turn(arr[..., 3:])[..., 0]) if arr.shape[2] == 4 else None
    return Layers(rgb, alpha)
