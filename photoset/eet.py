"""The largest JPEG inside an Enlightenment ``.edj`` (Eet) file: the full-size wallpaper photo.

Edje stores a wallpaper's image as plain JPEG bytes inside the Eet container (the "lossy" image
type), next to smaller previews. Rather than parse Eet's directory, we look for every JPEG
start-of-image marker and keep the candidate that decodes to the most pixels: a marker that is
not a real image simply fails to decode and is passed over.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image

SOI = b"\xff\xd8\xff"
EOI = b"\xff\xd9"


def largest_jpeg(data: bytes) -> bytes:
    """The bytes of the largest decodable JPEG embedded in ``data``; ``ValueError`` if none."""
    best, best_pixels = None, 0
    at = data.find(SOI)
    while at >= 0:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with Image.open(io.BytesIO(data[at:])) as image:
                    if image.format == "JPEG":
                        pixels = image.width * image.height
                        if pixels > best_pixels:
                            image.load()  # decodes fully: a truncated candidate fails here
                            best, best_pixels = at, pixels
        except Exception:  # not an image at this marker
            pass
        at = data.find(SOI, at + 1)
    if best is None:
        raise ValueError("no decodable JPEG inside the file")
    end = data.find(EOI, best)
    # the photo ends at an EOI; a thumbnail embedded in EXIF has its own, so take the last EOI
    # before the next SOI that starts a separate image (or the end of the data)
    return data[best : _image_end(data, best) if end >= 0 else len(data)]


def _image_end(data: bytes, start: int) -> int:
    """Offset just past the JPEG starting at ``start``, found by decoding with growing prefixes."""
    end = data.find(EOI, start)
    while end >= 0:
        candidate = data[start : end + 2]
        try:
            with Image.open(io.BytesIO(candidate)) as image:
                image.load()
            return end + 2
        except Exception:
            end = data.find(EOI, end + 2)
    return len(data)
