"""Comparison sheets: for a few evaluation photos, the input, the baseline(s), the model, the peers (after
``make peers``) and the truth side by side, labelled, each tile captioned with its scores, as one PNG
per model (``eval/sheets/<model>.png``).

Each row is one photo (and input); each column one method. The colorizer shows whole photos (colour
is judged on the whole frame); the inpainter shows the photo at the evaluation size with its box and
its blob hole (the large holes of removing an object); the upscalers show eval's web-input crops
(clean and JPEG quality 75) at 1:1, the input enlarged with nearest-neighbour.
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


def grid(
    rows: list[list[np.ndarray]], labels: list[str], title: str, captions: list[list[str]] | None = None
) -> Image.Image:
    """``rows`` of same-size RGB uint8 images -> one labelled sheet; ``captions`` (one string per tile,
    "" for none) are written on a white strip at each tile's foot."""
    tiles = [[_fit(im, ROW) for im in row] for row in rows]
    for r, row in enumerate(captions or []):
        for c, text in enumerate(row):
            if text:
                draw = ImageDraw.Draw(tiles[r][c])
                box = draw.textbbox((3, ROW - 14), text)
                draw.rectangle((0, box[1] - 2, box[2] + 3, ROW), fill="white")
                draw.text((3, ROW - 14), text, fill="black")
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
    """Gray input, the model, (for a hint model) the model with 20 hint patches, the truth; each tile
    captioned with its colourfulness."""
    from apps.colorizer.evaluate import colourfulness, gray_baseline, hint_image, hint_seed
    from apps.colorizer.infer import colorize

    rows = []
    for name, rgb in photos:
        row = [gray_baseline(rgb), colorize(gen, size, rgb, device, channels=channels)]
        if channels == 4:
            row.append(colorize(gen, size, rgb, device, hint_image(rgb, 20, hint_seed(name, 20)), channels))
        rows.append([*row, rgb])
    labels = ["gray input (= the baseline)", "model, automatic"]
    labels += ["model, 20 hint patches"] if channels == 4 else []
    captions = [[f"colourfulness {colourfulness(im):.0f}" for im in row] for row in rows]
    return grid(rows, [*labels, "truth"], "colorizer (colourfulness: Hasler-Suesstrunk)", captions)


SHEET_SETS = ("box", "blobs")  # the inpainter's sheet: the large holes, where fills differ most to the eye


def inpainter_sheet(
    task, gen, photos: list[tuple[str, np.ndarray]], device: str, size: int = 384, use_peers: bool = True
) -> Image.Image:
    """Each photo with eval's box hole and its blob hole: Telea, the peers, the model, the truth;
    captions: hole PSNR and texture (the fill's mean gradient magnitude over the truth's)."""
    import cv2

    from apps import peers
    from apps.inpainter.evaluate import classical, hole_scores, resize_short
    from apps.inpainter.infer import MAX_SIDE, inpaint
    from apps.inpainter.masks import draw_fixed

    fills = list(peers.FILLS) if use_peers and peers.available() else []
    cases = []  # (photo, hole) in row order
    for s in SHEET_SETS:
        for name, rgb in photos:
            rgb = resize_short(rgb, size)
            cases.append((name, s, rgb, draw_fixed(s, zlib.crc32(os.fsencode(name)), *rgb.shape[:2]).numpy()))
    by_peer = {}
    for p in fills:  # one call per peer and set, the same masks as eval's (so its cache answers)
        for s in SHEET_SETS:
            mine = [(n, rgb, hole) for n, t, rgb, hole in cases if t == s]
            got = peers.run(p.name, {n: rgb for n, rgb, _ in mine}, masks={n: hole for n, _, hole in mine})
            by_peer.update({(p.name, s, n): out for n, (out, _) in got.items()})
    rows, captions = [], []
    for name, s, rgb, hole in cases:
        shown = rgb.copy()
        shown[hole] = (255, 0, 255)
        outs = [classical(rgb, hole, cv2.INPAINT_TELEA), *(by_peer[(p.name, s, name)] for p in fills),
                inpaint(task, gen, rgb, hole, device, MAX_SIDE)]  # fmt: skip
        scored = [hole_scores(o, rgb, hole) for o in outs]
        rows.append([shown, *outs, rgb])
        scores = [f"{v['psnr']:.1f} dB, texture {v['texture']:.2f}" for v in scored]
        captions.append([f"{s}, {hole.mean():.0%}", *scores, ""])
    labels = ["input (hole magenta)", "cv2 Telea", *(f"{p.label} (peer)" for p in fills), "model", "truth"]
    title = f"inpainter: one box and one object-shaped hole per photo, shorter side {size} px"
    return grid(rows, labels, title, captions)


def superres_sheet(up, photos: list[tuple[str, np.ndarray]], psnr=None, use_peers: bool = True) -> Image.Image:
    """Eval's web-input crops (clean, then JPEG quality 75) of each photo: the input, bicubic, the model
    (after the PSNR model it was fine-tuned from, for a GAN model, so the sheet shows what the
    adversarial term changed), the peers and the truth at 1:1; captions: PSNR-Y and BRISQUE."""
    from apps import peers
    from apps.superres.evaluate import measures, upscale_pil
    from apps.superres.webinputs import INPUTS, low_res, truth_crop

    s = up.scale
    ups = [p for p in peers.UPSCALERS if s in p.scales] if use_peers and peers.available() else []
    truths = {n: truth_crop(rgb) for n, rgb in photos}
    rows, captions = [], []
    for i in ("clean", "jpeg75"):
        lrs = {n: low_res(hr, s, INPUTS[i]) for n, hr in truths.items()}
        done = {p.name: peers.run(p.name, lrs, scale=s) for p in ups}
        for n, hr in truths.items():
            lr = lrs[n]
            outs = [upscale_pil(lr, s, Image.Resampling.BICUBIC)]
            outs += [net.upscale_array(lr) for net in ([up] if psnr is None else [psnr, up])]
            outs += [done[p.name][n][0] for p in ups]
            lr_big = np.asarray(Image.fromarray(lr).resize(hr.shape[1::-1], Image.Resampling.NEAREST))
            rows.append([lr_big, *outs, hr])
            scored = [measures(o, hr, s, 0.0) for o in outs]
            captions.append([i, *(f"{v['psnr_y']:.1f} dB, BRISQUE {v['brisque']:.0f}" for v in scored), ""])
    models = ["PSNR model", "GAN model"] if psnr is not None else ["model"]
    labels = [f"input (x{s} LR, nearest)", "bicubic", *models, *(f"{p.label} (peer)" for p in ups), "truth"]
    return grid(rows, labels, f"upscaler x{s}: eval's web inputs, clean then JPEG quality 75 (1:1)", captions)
