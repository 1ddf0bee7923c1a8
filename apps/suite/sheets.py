"""Comparison sheets: for a few evaluation photos, the input, the baseline(s), the model and the truth
side by side, labelled, as one PNG per model (``eval/sheets/<model>.png``).

Each row is one photo; each column one method. The colorizer shows whole photos (colour is judged
on the whole frame); the inpainter shows the photo at the evaluation size with its medium mask;
the upscalers show a crop enlarged with nearest-neighbour so single pixels stay visible.
"""

from __future__ import annotations

import os
import zlib

import numpy as np
from PIL import Image, ImageDraw

SHEET_PHOTOS = (  # chosen across subjects: an animal, people, food, a building, water
    "gcompris-explore-world-animals-animals-scarlet-macaw.jpg",
    "gcompris-explore-world-music-music-mexico.jpg",
    "palapeli-citrus-fruits.jpg",
    "gcompris-details-nagoya-background.jpg",
    "gcompris-clickgame-sea3.jpg",
)
ROW = 200  # px: height of one row
LABEL = 18  # px: the label strip above each column


def _fit(image: np.ndarray, height: int) -> Image.Image:
    im = Image.fromarray(image)
    width = max(1, round(im.width * height / im.height))
    return im.resize((width, height), Image.Resampling.LANCZOS if width < im.width else Image.Resampling.NEAREST)


def grid(rows: list[list[np.ndarray]], labels: list[str], title: str) -> Image.Image:
    """``rows`` of same-size RGB uint8 images -> one labelled sheet."""
    tiles = [[_fit(im, ROW) for im in row] for row in rows]
    width = max(sum(t.width for t in row) + 4 * (len(row) - 1) for row in tiles)
    sheet = Image.new("RGB", (width, LABEL + 22 + len(tiles) * (ROW + 4)), "white")
    draw = ImageDraw.Draw(sheet)
    draw.text((4, 2), title, fill="black")
    x = 0
    for label, tile in zip(labels, tiles[0]):
        draw.text((x + 4, 22), label, fill="black")
        x += tile.width + 4
    for r, row in enumerate(tiles):
        x, y = 0, LABEL + 22 + r * (ROW + 4)
        for tile in row:
            sheet.paste(tile, (x, y))
            x += tile.width + 4
    return sheet


def colorizer_sheet(
    gen, size: int, photos: list[tuple[str, np.ndarray]], device: str, channels: int = 1
) -> Image.Image:
    """Gray input, the model, (for a hint model) the model with 20 hint patches, the truth."""
    from apps.colorizer.evaluate import gray_baseline, hint_image, hint_seed
    from apps.colorizer.infer import colorize

    rows = []
    for name, rgb in photos:
        row = [gray_baseline(rgb), colorize(gen, size, rgb, device, channels=channels)]
        if channels == 4:
            row.append(colorize(gen, size, rgb, device, hint_image(rgb, 20, hint_seed(name, 20)), channels))
        rows.append([*row, rgb])
    labels = ["gray input (= the baseline)", "model, automatic"]
    labels += ["model, 20 hint patches"] if channels == 4 else []
    return grid(rows, [*labels, "truth"], "colorizer")


def inpainter_sheet(task, gen, photos: list[tuple[str, np.ndarray]], device: str, size: int = 256) -> Image.Image:
    import cv2

    from apps.inpainter.evaluate import classical, pyramid, resize_short
    from apps.inpainter.infer import MAX_SIDE, inpaint
    from apps.inpainter.masks import draw_fixed

    rows = []
    for name, rgb in photos:
        rgb = resize_short(rgb, size)
        hole = draw_fixed("medium", zlib.crc32(os.fsencode(name)), *rgb.shape[:2]).numpy()  # eval's own masks
        shown = rgb.copy()
        shown[hole] = (255, 0, 255)
        rows.append([shown, classical(rgb, hole, cv2.INPAINT_TELEA), pyramid(rgb, hole),
                     inpaint(task, gen, rgb, hole, device, MAX_SIDE), rgb])  # fmt: skip
    labels = ["input (holes magenta)", "cv2 Telea", "pyramid fill", "model", "truth"]
    return grid(rows, labels, "inpainter: medium stroke masks, shorter side 256 px")


def superres_sheet(up, photos: list[tuple[str, np.ndarray]], crop: int = 96, psnr=None) -> Image.Image:
    """Crops of bicubic, the model and the truth; ``psnr`` (an ``Upscaler``, for a GAN model) adds the
    PSNR model it was fine-tuned from, so the sheet shows what the adversarial term changed."""
    from apps.superres.evaluate import downscale, upscale_pil

    s = up.scale
    rows = []
    for _, hr in photos:
        hr = hr[: hr.shape[0] // s * s, : hr.shape[1] // s * s]
        lr = downscale(hr, s)
        bic = upscale_pil(lr, s, Image.Resampling.BICUBIC)
        outputs = [net.upscale_array(lr) for net in ([up] if psnr is None else [psnr, up])]
        y, x = _busiest(hr, crop * s // 2)
        c = crop * s // 2  # HR crop side
        window = np.s_[y : y + c, x : x + c]
        lr_big = np.asarray(Image.fromarray(lr).resize(hr.shape[1::-1], Image.Resampling.NEAREST))
        rows.append([lr_big[window], bic[window], *(out[window] for out in outputs), hr[window]])
    models = ["PSNR model", "GAN model"] if psnr is not None else ["model"]
    labels = [f"input (x{s} LR, nearest)", "bicubic", *models, "truth"]
    return grid(rows, labels, f"upscaler x{s}: a detailed crop of each photo")


def _busiest(rgb: np.ndarray, side: int) -> tuple[int, int]:
    """Top-left corner of the ``side`` x ``side`` window with the most gradient energy (a stride-8 search)."""
    gray = rgb.mean(axis=2)
    energy = np.abs(np.diff(gray, axis=0))[:, :-1] + np.abs(np.diff(gray, axis=1))[:-1]
    h, w = energy.shape
    if h <= side or w <= side:
        return 0, 0
    integral = np.pad(energy.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    best, at = -1.0, (0, 0)
    for y in range(0, h - side, 8):
        for x in range(0, w - side, 8):
            e = integral[y + side, x + side] - integral[y, x + side] - integral[y + side, x] + integral[y, x]
            if e > best:
                best, at = e, (y, x)
    return at
