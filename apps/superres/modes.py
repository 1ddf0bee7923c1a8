"""Image modes for upscaling: split any PIL image into colour, alpha and bit depth, and join them back.

    layers = split(img)                 # colour (H, W, 1 or 3) uint8 / uint16, alpha (H, W) or None
    img = join(layers, colour_up, alpha_up)

* RGB stays RGB; CMYK, YCbCr, LAB, HSV become RGB.
* Gray (``L``, ``1``) stays gray (``L``): the model sees R = G = B.
* 16-bit gray (``I;16``, ``I``, ``F``) stays 16-bit (``I;16`` PNG); the model sees the full precision.
* 16-bit colour (a 48- or 64-bit PNG or TIFF), which Pillow opens with 8 bits a channel: ``run`` reads
  it whole and writes it back with 16 (``wide.py``).
* Alpha (``RGBA``, ``LA``, ``PA``, palette transparency) is upscaled separately (bicubic) and joined back.
* Palette images (``P``) come out as RGB or RGBA: an upscaled photo has more colours than a palette.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

WIDE = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")  # single-channel modes wider than 8 bits


@dataclass(frozen=True)
class Layers:
    """An image taken apart for the model."""

    colour: np.ndarray  # (H, W, 3) RGB or (H, W, 1) gray; uint8, or uint16 for 16 bits (gray, or wide.py's colour)
    alpha: np.ndarray | None  # (H, W) uint8 (uint16 beside 16-bit colour, wide.py), or None


def _wide_gray(img: Image.Image) -> np.ndarray:
    """A 16/32-bit or float single-channel image as uint16 ``(H, W)``, by its mode's range (the one reading
    of every app: ``gancore.data.images.wide_gray``)."""
    from gancore.data.images import wide_gray

    return (wide_gray(img) * 65535.0 + 0.5).astype(np.uint16)


def split(img: Image.Image) -> Layers:
    """Any PIL image -> colour and alpha arrays (see the module docstring for each mode)."""
    if img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    if img.mode in ("RGBa", "PA"):
        img = img.convert("RGBA")
    if img.mode == "La":
        img = img.convert("LA")
    if img.mode == "1":
        img = img.convert("L")
    if img.mode in WIDE:
        return Layers(_wide_gray(img)[..., None], None)
    if img.mode == "L":
        return Layers(np.asarray(img)[..., None], None)
    if img.mode == "LA":
        arr = np.asarray(img)
        return Layers(np.ascontiguousarray(arr[..., :1]), np.ascontiguousarray(arr[..., 1]))
    if img.mode == "RGBA":
        arr = np.asarray(img)
        return Layers(np.ascontiguousarray(arr[..., :3]), np.ascontiguousarray(arr[..., 3]))
    return Layers(np.asarray(img.convert("RGB")), None)


def upscale_alpha(alpha: np.ndarray, scale: int) -> np.ndarray:
    """``(H, W)`` uint8 (or uint16) -> ``(H * scale, W * scale)``, bicubic (clipped to the type's range)."""
    h, w = alpha.shape
    return cv2.resize(alpha, (w * scale, h * scale), interpolation=cv2.INTER_CUBIC)


class WidePicture:
    """An upscaled 16-bit colour picture: RGB ``(H, W, 3)`` uint16 and alpha ``(H, W)`` uint16 or None.

    ``save(path)`` writes a 16-bit PNG (48 or 64 bits a pixel; Pillow cannot), as ``save_atomic`` calls a
    PIL image's ``save``; ``size`` is (width, height), as a PIL image's.
    """

    def __init__(self, rgb: np.ndarray, alpha: np.ndarray | None = None):
        if rgb.dtype != np.uint16 or rgb.ndim != 3 or rgb.shape[2] != 3:
            raise ValueError(f"expected uint16 (H, W, 3), got {rgb.dtype} {rgb.shape}")
        self.rgb, self.alpha = rgb, alpha
        self.size = (rgb.shape[1], rgb.shape[0])

    def array(self) -> np.ndarray:
        """RGB or RGBA ``(H, W, 3 or 4)`` uint16."""
        if self.alpha is None:
            return self.rgb
        return np.concatenate([self.rgb, self.alpha.astype(np.uint16)[..., None]], axis=2)

    def save(self, path: str | Path, **_png_options) -> None:
        """A 16-bit PNG at ``path`` (encoded in memory: any file name, on any platform)."""
        arr = self.array()
        ok, buf = cv2.imencode(".png", np.ascontiguousarray(arr[..., [2, 1, 0, 3][: arr.shape[2]]]))
        if not ok:
            raise OSError("OpenCV could not encode the 16-bit PNG")
        Path(path).write_bytes(buf.tobytes())


def join(colour: np.ndarray, alpha: np.ndarray | None) -> Image.Image | WidePicture:
    """Upscaled colour ``(h, w, 1 or 3)`` and alpha ``(h, w)`` -> an L, LA, I;16, RGB or RGBA image, or a
    ``WidePicture`` for 16-bit colour (which a PIL image cannot hold)."""
    if colour.shape[2] == 3 and colour.dtype == np.uint16:
        return WidePicture(colour, alpha)
    if colour.shape[2] == 1:
        gray = colour[..., 0]
        if colour.dtype == np.uint16:
            return Image.fromarray(gray)  # I;16
        if alpha is None:
            return Image.fromarray(gray, "L")
        return Image.fromarray(np.stack([gray, alpha], axis=2), "LA")
    if alpha is None:
        return Image.fromarray(colour, "RGB")
    return Image.fromarray(np.concatenate([colour, alpha[..., None]], axis=2), "RGBA")
