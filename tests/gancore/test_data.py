"""Image reading (every mode converted, EXIF applied, bad files reported) and the photo dataset."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from gancore.data import BadImage, PhotoFolder, list_images, read_rgb, to_rgb
from gancore.errors import UserError


@pytest.mark.parametrize(
    ("mode", "value"),
    [("L", 128), ("LA", (128, 255)), ("RGBA", (10, 20, 30, 255)), ("P", 3), ("I;16", 32896), ("RGB", (1, 2, 3))],
)
def test_modes_become_rgb(tmp_path, mode, value):
    img = Image.new(mode, (5, 4), value)
    if mode == "P":
        img.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * 756)
    ext = "png" if mode in ("LA", "RGBA", "P", "I;16") else "bmp" if mode == "RGB" else "tiff"
    img.save(tmp_path / f"x.{ext}")
    rgb = read_rgb(tmp_path / f"x.{ext}")
    assert rgb.shape == (4, 5, 3) and rgb.dtype == np.uint8
    expect = {
        "L": (128,) * 3,
        "LA": (128,) * 3,
        "RGBA": (10, 20, 30),
        "P": (0, 0, 255),
        "I;16": (128,) * 3,
        "RGB": (1, 2, 3),
    }[mode]
    assert tuple(rgb[0, 0]) == expect


def test_transparent_pixels_become_white(tmp_path):
    Image.new("RGBA", (2, 2), (0, 0, 0, 0)).save(tmp_path / "t.png")
    assert (read_rgb(tmp_path / "t.png") == 255).all()


def test_exif_orientation_applied(tmp_path):
    img = Image.new("RGB", (6, 2), (255, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise on display
    img.save(tmp_path / "r.jpg", exif=exif)
    assert read_rgb(tmp_path / "r.jpg").shape == (6, 2, 3)


def test_bad_files(tmp_path):
    (tmp_path / "text.png").write_text("not an image")
    Image.new("RGB", (64, 64), (9, 9, 9)).save(tmp_path / "full.jpg")
    (tmp_path / "cut.jpg").write_bytes((tmp_path / "full.jpg").read_bytes()[:300])
    for name in ("text.png", "cut.jpg"):
        with pytest.raises(BadImage, match=name):
            read_rgb(tmp_path / name)


def test_list_images_recursive_and_filtered(tmp_path):
    for rel in ("a.jpg", "s/b.PNG", "s/t/c.webp", "s/notes.txt", ".hidden/d.jpg", "e.tiff"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    assert [p.relative_to(tmp_path).as_posix() for p in list_images(tmp_path)] == [
        "a.jpg",
        "e.tiff",
        "s/b.PNG",
        "s/t/c.webp",
    ]


def test_dataset_crops_in_range_and_deterministic(small_photos):
    ds = PhotoFolder(small_photos, 32, seed=3)
    a, b = ds[5]["image"], ds[5]["image"]
    assert a.shape == (3, 32, 32) and a.min() >= -1 and a.max() <= 1
    assert torch.equal(a, b), "an item depends only on (seed, position)"
    assert not torch.equal(ds[5]["image"], ds[6]["image"])
    epoch = sorted(ds.index(g) for g in range(len(ds)))
    assert epoch == list(range(len(ds))), "each epoch visits every file once"


def test_dataset_skips_and_reports_bad_file(tmp_path, small_photos):
    good = sorted(small_photos.rglob("*.jpg"))[0]
    (tmp_path / "a.jpg").write_bytes(good.read_bytes())
    (tmp_path / "b.png").write_text("not an image")
    ds = PhotoFolder(tmp_path, 16)
    items = [ds[g] for g in range(4)]
    assert all(it["image"].shape == (3, 16, 16) for it in items)
    assert any("b.png" in it["bad"] for it in items)


def test_dataset_errors(tmp_path):
    with pytest.raises(UserError, match="data folder not found"):
        PhotoFolder(tmp_path / "nope", 16)
    with pytest.raises(UserError, match="no images"):
        PhotoFolder(tmp_path, 16)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # pytest re-enables it
def test_pictures_over_the_pixel_limit_are_refused_in_any_thread(tmp_path, monkeypatch):
    """The decompression-bomb guard holds in `run`'s reader threads (no warnings-state juggling)."""
    from concurrent.futures import ThreadPoolExecutor

    from PIL import Image

    from gancore.data import BadImage, open_image

    big, small = tmp_path / "big.png", tmp_path / "small.png"
    Image.new("RGB", (100, 100)).save(big)
    Image.new("RGB", (20, 20)).save(small)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 5000)

    def attempt(path):
        try:
            return open_image(path).size
        except BadImage as err:
            return str(err)

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(attempt, [big, small] * 8))
    assert all("over the 5000 pixel limit" in r for r in results[::2])
    assert all(r == (20, 20) for r in results[1::2])


@pytest.mark.parametrize("cache", [False, True])
def test_upscale_false_never_enlarges_so_crops_keep_the_files_own_pixels(tmp_path, cache):
    """Pixels encode their position (R = x, G = y): a crop of the un-resized file steps by exactly 1."""
    x, y = np.meshgrid(np.arange(200), np.arange(150))
    Image.fromarray(np.stack([x, y, np.zeros_like(x)], -1).astype(np.uint8)).save(tmp_path / "ramp.png")

    def exact(t: torch.Tensor) -> bool:
        arr = np.rint((t.numpy() + 1) * 127.5).astype(int)
        return bool(np.all(np.abs(np.diff(arr[0], axis=1)) == 1) and np.all(np.diff(arr[1], axis=0) == 1))

    # short sides are drawn in [64, 6400]: almost always above the file's 150 px
    never = PhotoFolder(tmp_path, 64, seed=0, scale_min=0.01, cache=cache, upscale=False)
    always = PhotoFolder(tmp_path, 64, seed=0, scale_min=0.01, cache=cache)
    kept = [exact(never[g]["image"]) for g in range(20)]
    assert sum(kept) >= 18  # the rare draw under 150 px is a real downscale
    assert not any(exact(always[g]["image"]) for g in range(20))  # enlarged: neighbours no longer step by 1


def test_companion_image_by_relative_stem(tmp_path):
    from pathlib import Path

    from gancore.data import companion_image

    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "cat.png").write_bytes(b"")
    (tmp_path / "bird.JPG").write_bytes(b"")
    assert companion_image(tmp_path, Path("sub/cat.jpg")) == tmp_path / "sub" / "cat.png"
    assert companion_image(tmp_path, Path("bird.png")) == tmp_path / "bird.JPG"
    assert companion_image(tmp_path, Path("dog.jpg")) is None
    assert companion_image(tmp_path, Path("cat.jpg")) is None  # the sub-folder counts
    (tmp_path / "fox.jpg.png").write_bytes(b"")
    assert companion_image(tmp_path, Path("fox.jpg")) == tmp_path / "fox.jpg.png", "the whole name plus .png"


def test_a_crop_resamples_only_its_box_yet_equals_resizing_the_whole_image(small_photos):
    """``crop`` resizes the crop's box of the source, not the whole picture: the pixels are those of
    the whole-image resize followed by the crop (the old, slower way), to within one level."""
    ds = PhotoFolder(small_photos, 32, seed=0, scale_min=0.3)
    img = Image.open(ds.files[0]).convert("RGB")
    for g in range(6):
        rng = np.random.default_rng([0, g, 1])
        got = np.rint((ds.crop(img, np.random.default_rng([0, g, 1])).numpy() + 1) * 127.5).astype(int)
        w, h = img.size  # the same draws, the old way
        short = rng.uniform(32, 32 / 0.3)
        scale = short / min(w, h)
        nw, nh = max(32, round(w * scale)), max(32, round(h * scale))
        x, y = rng.integers(0, nw - 32 + 1), rng.integers(0, nh - 32 + 1)
        ref = np.array(img.resize((nw, nh), Image.Resampling.BICUBIC, reducing_gap=3.0))[y : y + 32, x : x + 32]
        if rng.random() < 0.5:
            ref = ref[:, ::-1]
        assert np.abs(got - ref.transpose(2, 0, 1).astype(int)).max() <= 1


def test_a_companion_named_after_the_whole_input_name_wins(tmp_path):
    """``a.jpg`` and ``a.png`` side by side, masks ``a.png`` and ``a.jpg.png``: each input gets its own
    (``a.jpg`` was given ``a.png``'s)."""
    from pathlib import Path

    from gancore.data import companion_image

    for name in ("a.png", "a.jpg.png"):
        Image.new("L", (4, 4)).save(tmp_path / name)
    assert companion_image(tmp_path, Path("a.jpg")) == tmp_path / "a.jpg.png"
    assert companion_image(tmp_path, Path("a.png")) == tmp_path / "a.png"


@pytest.mark.parametrize(
    ("mode", "value", "expect"),
    [
        ("1", 1, (255, 255, 255)),
        ("L", 100, (100, 100, 100)),
        ("LA", (100, 255), (100, 100, 100)),
        ("LA", (100, 0), (255, 255, 255)),  # transparent: over white
        ("RGB", (10, 20, 30), (10, 20, 30)),
        ("RGBA", (10, 20, 30, 255), (10, 20, 30)),
        ("CMYK", (0, 255, 255, 0), (255, 0, 0)),
        ("I;16", 100, (0, 0, 0)),  # a dark 16-bit picture stays dark (it came out 257 times brighter)
        ("I;16", 32896, (128, 128, 128)),
        ("I", 65535, (255, 255, 255)),
        ("I", 100, (0, 0, 0)),
        ("F", 0.5, (128, 128, 128)),  # a float picture in [0, 1] (it came out black)
        ("F", 1.0, (255, 255, 255)),
        ("LAB", (255, 128, 128), (254, 255, 254)),  # Pillow's own LAB -> sRGB: white within a level
        ("YCbCr", (128, 128, 128), (128, 128, 128)),
    ],
)
def test_every_mode_is_read_by_its_own_range(mode, value, expect):
    assert tuple(int(v) for v in np.asarray(to_rgb(Image.new(mode, (3, 2), value)))[1, 2]) == expect


def test_a_palette_with_a_transparent_index_is_white_there():
    p = Image.new("P", (2, 2), 1)
    p.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    p.info["transparency"] = 1
    assert (np.asarray(to_rgb(p)) == 255).all()


def test_dark_16_bit_and_float_files_read_alike_in_every_app(tmp_path):
    """The same files through the reading of the colorizer and inpainter (to_rgb) and of the upscaler
    (modes.split, which keeps 16 bits): one value, by the mode."""
    from apps.superres.modes import split

    ramp16 = np.arange(64, dtype=np.uint16).reshape(8, 8) * 3  # all at most 255: dark, not 8-bit
    Image.fromarray(ramp16).save(tmp_path / "dark.png")
    ramp_f = np.linspace(0, 1, 64, dtype=np.float32).reshape(8, 8)
    Image.fromarray(ramp_f, "F").save(tmp_path / "float.tiff")
    for name, unit in (("dark.png", ramp16 / 65535.0), ("float.tiff", ramp_f.astype(np.float64))):
        rgb = read_rgb(tmp_path / name)
        assert np.abs(rgb[..., 0].astype(float) - unit * 255).max() <= 0.5 + 1e-9, name
        sixteen = split(Image.open(tmp_path / name)).colour[..., 0]
        assert sixteen.dtype == np.uint16 and np.abs(sixteen / 65535.0 - unit).max() <= 1 / 65535, name


def test_a_multi_frame_file_gives_its_first_frame_with_a_note_when_asked(tmp_path, capsys):
    from gancore.data import open_image

    frames = [Image.new("RGB", (6, 4), c) for c in ((200, 0, 0), (0, 200, 0), (0, 0, 200))]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:])
    first = np.asarray(open_image(tmp_path / "anim.gif").convert("RGB"))
    assert first[0, 0, 0] > 150 and first[0, 0, 1] < 50, "the first frame"
    assert capsys.readouterr().err == "", "no note unless asked (training reads files again and again)"
    read_rgb(tmp_path / "anim.gif", notes=True)
    assert "has 3 frames (an animation or pages); the first is used" in capsys.readouterr().err


@pytest.mark.parametrize("ext", ["png", "tif"])
def test_a_colour_picture_with_16_bits_a_channel_is_read_by_its_high_byte_and_said_so(tmp_path, capsys, ext):
    """A 48-bit PNG or TIFF (a raw developer's or a scanner's) was read with 8 bits a channel in silence."""
    import cv2

    from gancore.data import open_image
    from gancore.data.images import colour_bits

    wide = (np.arange(6 * 5 * 3).reshape(6, 5, 3) * 700 + 7).astype(np.uint16)  # 7 .. 62,307: low bytes vary
    cv2.imwrite(str(tmp_path / f"wide.{ext}"), wide[..., ::-1])  # OpenCV writes BGR
    Image.fromarray((wide[..., 0] >> 8).astype(np.uint8)).convert("RGB").save(tmp_path / "narrow.png")
    Image.fromarray(wide[..., 0]).save(tmp_path / "gray16.png")  # I;16: keeps its range, no note
    assert np.array_equal(read_rgb(tmp_path / f"wide.{ext}"), (wide >> 8).astype(np.uint8)), "the high byte"
    assert capsys.readouterr().err == "", "no note unless asked"
    with Image.open(tmp_path / f"wide.{ext}") as img:
        assert colour_bits(img) == 16
    with Image.open(tmp_path / "narrow.png") as img:
        assert colour_bits(img) == 8
    with Image.open(tmp_path / "gray16.png") as img:
        assert colour_bits(img) == 0
    read_rgb(tmp_path / f"wide.{ext}", notes=True)
    assert "wide." + ext + " has 16 bits a colour channel; it is read, and written, with 8" in capsys.readouterr().err
    read_rgb(tmp_path / "narrow.png", notes=True)
    open_image(tmp_path / "gray16.png", notes=True)
    assert capsys.readouterr().err == ""


def test_links_to_folders_are_followed_once_and_loops_end(tmp_path):
    """A symbolic link to a sub-folder was skipped in silence (links to files were followed)."""
    root, elsewhere = tmp_path / "in", tmp_path / "elsewhere"
    (root / "real").mkdir(parents=True)
    elsewhere.mkdir()
    Image.new("RGB", (4, 4)).save(root / "real" / "a.png")
    Image.new("RGB", (4, 4)).save(elsewhere / "b.png")
    (root / "linked").symlink_to(elsewhere, target_is_directory=True)
    (root / "real" / "up").symlink_to(root, target_is_directory=True)  # a loop back to the top
    (root / ".hidden").mkdir()
    Image.new("RGB", (4, 4)).save(root / ".hidden" / "c.png")
    found = [p.relative_to(root).as_posix() for p in list_images(root)]
    assert found == ["linked/b.png", "real/a.png"]
