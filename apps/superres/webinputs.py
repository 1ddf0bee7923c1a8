"""Low-resolution inputs as pictures arrive from the web or a phone: small crops, saved as JPEG.

The evaluation's second protocol (beside the literature's full photos with a clean bicubic LR): each
photo is resized (Lanczos, antialiased) so its shorter side is ``SHORT`` px, its centre ``CROP`` x
``CROP`` px is the truth, and the input is that crop reduced by PIL's bicubic (antialiased) and,
for the JPEG inputs, saved and read back as a JPEG of the given quality (PIL's encoder, 4:2:0 chroma,
as most web and phone JPEGs). The peers run on exactly these inputs.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

SHORT = 384  # px: the photo's shorter side before the centre crop
CROP = 192  # px: the truth's side (the LR side is CROP / scale)
INPUTS: dict[str, int | None] = {"clean": None, "jpeg75": 75, "jpeg50": 50}  # name -> JPEG quality
LABELS = {"clean": "clean (PNG)", "jpeg75": "JPEG quality 75", "jpeg50": "JPEG quality 50"}


def truth_crop(photo: np.ndarray, short: int = SHORT, crop: int = CROP) -> np.ndarray:
    """RGB ``(H, W, 3)`` uint8 photo -> its centre ``(crop, crop, 3)`` at ``short`` px shorter side."""
    im = Image.fromarray(photo)
    f = short / min(im.size)
    if f != 1:
        im = im.resize((max(crop, round(im.width * f)), max(crop, round(im.height * f))), Image.Resampling.LANCZOS)
    x, y = (im.width - crop) // 2, (im.height - crop) // 2
    return np.asarray(im.crop((x, y, x + crop, y + crop)))


def jpeg(rgb: np.ndarray, quality: int) -> np.ndarray:
    """``rgb`` saved as a JPEG of ``quality`` (1-95) and decoded again, uint8 ``(H, W, 3)``."""
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def low_res(hr: np.ndarray, scale: int, quality: int | None = None) -> np.ndarray:
    """The input of ``hr`` (sides multiples of ``scale``): PIL bicubic down by ``scale``, then JPEG if asked."""
    h, w = hr.shape[:2]
    lr = np.asarray(Image.fromarray(hr).resize((w // scale, h // scale), Image.Resampling.BICUBIC))
    return lr if quality is None else jpeg(lr, quality)
