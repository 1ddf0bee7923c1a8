"""Colour profiles are converted to sRGB when a photo is read: a Display P3 photo's colours reach the
apps as a colour-managed viewer shows them (they shifted before: the profile was dropped)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageCms

from gancore.data.images import read_rgb
from gancore.data.profiles import profile_name, to_srgb
from tests.gancore.icc import DISPLAY_P3, rgb_profile, to_srgb_reference

P3 = rgb_profile(DISPLAY_P3, 2.2, "Display P3 (test)")
COLOURS = np.array([[[200, 150, 100], [90, 160, 110], [120, 110, 200], [128, 128, 128]]], dtype=np.uint8)


def test_the_profile_reads_as_display_p3():
    assert profile_name(P3) == "Display P3 (test)"


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".tif", ".webp"])
def test_a_display_p3_photo_is_read_in_srgb(tmp_path, suffix):
    photo = np.repeat(np.repeat(COLOURS, 8, axis=0), 8, axis=1)  # 8 x 32: flat patches (JPEG keeps them)
    path = tmp_path / f"p3{suffix}"
    extra = {"quality": 100, "subsampling": 0} if suffix == ".jpg" else {"lossless": True} if suffix == ".webp" else {}
    Image.fromarray(photo).save(path, icc_profile=P3, **extra)
    got = read_rgb(path).astype(np.float64)[4, 4::8]
    want = to_srgb_reference(COLOURS[0].astype(np.float64), DISPLAY_P3, 2.2)
    assert np.abs(got - want).max() <= 3.0, (got, want)
    assert np.abs(got - COLOURS[0]).max() >= 10, "the colours did change: the profile was not dropped"
    assert np.abs(got[3] - 128).max() <= 3, "gray stays gray (same white point)"


def test_rgba_keeps_its_alpha_and_srgb_profiles_are_left_alone(tmp_path):
    alpha = np.array([[255], [128], [0], [255]], np.uint8)
    rgba = Image.fromarray(np.concatenate([COLOURS[0], alpha], axis=1)[None], "RGBA")
    rgba.info["icc_profile"] = P3
    out = to_srgb(rgba)
    assert out.mode == "RGBA" and np.array_equal(np.asarray(out)[..., 3], np.asarray(rgba)[..., 3])
    srgb = Image.fromarray(COLOURS)
    srgb.info["icc_profile"] = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    assert to_srgb(srgb) is srgb


def test_a_broken_profile_is_named_and_the_pixels_read_as_they_are(tmp_path, capsys):
    path = tmp_path / "broken.png"
    Image.fromarray(COLOURS).save(path, icc_profile=b"not a profile at all" * 10)
    assert np.array_equal(read_rgb(path), COLOURS[0][None])
    assert "colour profile cannot be used" in capsys.readouterr().err


def test_the_python_api_converts_a_pil_image_with_a_profile():
    from apps.inputs import picture

    img = Image.fromarray(COLOURS)
    img.info["icc_profile"] = P3
    got = np.asarray(picture(img)).astype(np.float64)[0]
    assert np.abs(got - to_srgb_reference(COLOURS[0].astype(np.float64), DISPLAY_P3, 2.2)).max() <= 3.0
