"""Colour profiles: a photo with an embedded ICC profile (Display P3 from phones, Adobe RGB from
cameras, a CMYK print profile) is converted to sRGB when it is read, so its colours reach the
models as they look, and every output is plain sRGB (outputs carry no profile).

Modes LittleCMS converts (RGB, RGBA with its alpha kept, CMYK) are converted with the profile's
perceptual intent; a profile that names itself sRGB is left alone (nothing to do); other modes
(gray, 16-bit, float) keep their values, as before. A profile that cannot be read is named once
on stderr and ignored: the pixels are read as sRGB, as every viewer without colour management does.
"""

from __future__ import annotations

import io
import sys

from PIL import Image, ImageCms

CONVERTED = ("RGB", "RGBA", "CMYK")
_SRGB = ImageCms.createProfile("sRGB")


def profile_name(icc: bytes) -> str:
    """The profile's description (``"Display P3"``), or "" when it cannot be read."""
    try:
        return ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))).strip()
    except (OSError, ImageCms.PyCMSError):
        return ""


def to_srgb(img: Image.Image, source: str = "") -> Image.Image:
    """``img`` in sRGB: converted from its embedded profile when it has one that is not sRGB (RGB,
    RGBA and CMYK; CMYK becomes RGB), else unchanged. ``source`` names the file in a warning."""
    icc = img.info.get("icc_profile")
    if not icc or img.mode not in CONVERTED:
        return img
    name = profile_name(icc)
    if name.lower().startswith("srgb"):
        return img
    alpha = img.getchannel("A") if img.mode == "RGBA" else None
    colour = img.convert("RGB") if img.mode == "RGBA" else img
    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        intent = ImageCms.Intent.PERCEPTUAL
        out = ImageCms.profileToProfile(colour, src, _SRGB, renderingIntent=intent, outputMode="RGB")
    except (OSError, ImageCms.PyCMSError) as err:
        print(f"warning: {source or 'image'}: its colour profile cannot be used ({err}); read as sRGB", file=sys.stderr)
        return img
    if alpha is not None:
        out.putalpha(alpha)
    out.info = {k: v for k, v in img.info.items() if k != "icc_profile"}
    return out
