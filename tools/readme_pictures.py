"""The README's before/after pictures, made from evaluation-split photos with the shipped models, so
they stay true when the models change (``make eval`` remakes them).

    python tools/readme_pictures.py [--out assets/readme] [--data assets/eval]

One JPEG per app, ``<app>.jpg``: a row of photos, each as before | after, 240 px high:

- colorizer: the photo turned gray | the shipped colorizer's colours;
- inpainter: the photo with an object-shaped hole (the ``objects`` policy, as ``eval``'s blobs; shown
  red) | the shipped inpainter's fill;
- superres: a 64-px crop saved as a JPEG of quality 75 (a web picture), enlarged x4 by bicubic | the
  Upscale tab's default model (``superres-x4-gan``).

Photos are named in ``PHOTOS`` (every one in the evaluation split, ``assets/eval``); no model was
trained on them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
HEIGHT = 240  # px: each half of a pair
GAP = 6  # px between pairs (white)
PHOTOS = {
    "colorizer": ["palapeli-citrus-fruits.jpg", "gcompris-explore-world-animals-animals-scarlet-macaw.jpg"],
    "inpainter": ["lxqt-butterfly.jpg", "gcompris-explore-monuments-wonders-petra.jpg"],
    "superres": ["gcompris-erase-red-panda.jpg", "palapeli-cincinnati-bridge.jpg"],
}
LABELS = {
    "colorizer": ("gray photo", "colorizer"),
    "inpainter": ("hole to fill", "inpainter"),
    "superres": ("JPEG, bicubic x4", "superres-x4-gan x4"),
}


def fit(image: Image.Image, height: int = HEIGHT) -> Image.Image:
    """``image`` resized to ``height`` px high (Lanczos), the aspect kept."""
    w = max(1, round(image.width * height / image.height))
    return image.resize((w, height), Image.Resampling.LANCZOS)


def pair(before: Image.Image, after: Image.Image, labels: tuple[str, str]) -> Image.Image:
    """before | after side by side, each captioned in its corner; RGB, ``HEIGHT`` px high."""
    a, b = fit(before.convert("RGB")), fit(after.convert("RGB"), HEIGHT)
    out = Image.new("RGB", (a.width + b.width, HEIGHT), "white")
    out.paste(a, (0, 0))
    out.paste(b, (a.width, 0))
    draw = ImageDraw.Draw(out)
    for x, text in ((0, labels[0]), (a.width, labels[1])):
        box = draw.textbbox((x + 6, HEIGHT - 20), text)
        draw.rectangle((box[0] - 3, box[1] - 2, box[2] + 3, box[3] + 2), fill=(0, 0, 0))
        draw.text((x + 6, HEIGHT - 20), text, fill=(255, 255, 255))
    return out


def row(pairs: list[Image.Image]) -> Image.Image:
    """Pairs left to right with a white gap between them."""
    width = sum(p.width for p in pairs) + GAP * (len(pairs) - 1)
    out = Image.new("RGB", (width, HEIGHT), "white")
    x = 0
    for p in pairs:
        out.paste(p, (x, 0))
        x += p.width + GAP
    return out


def colorizer_pair(photo: Image.Image) -> Image.Image:
    from apps.colorizer import colorize

    small = fit(photo, 384)
    gray = small.convert("L").convert("RGB")
    return pair(gray, colorize(gray), LABELS["colorizer"])


def inpainter_pair(photo: Image.Image, index: int) -> Image.Image:
    from apps.inpainter import inpaint
    from apps.inpainter.masks import draw_fixed

    small = fit(photo, 384)
    hole = draw_fixed("objects", index, small.height, small.width).numpy()
    shown = np.asarray(small).copy()
    shown[hole] = (230, 40, 40)
    mask = Image.fromarray((hole * 255).astype(np.uint8))
    return pair(Image.fromarray(shown), inpaint(small, mask), LABELS["inpainter"])


def superres_pair(photo: Image.Image) -> Image.Image:
    from apps.superres import upscale
    from apps.superres.webinputs import jpeg, low_res, truth_crop

    truth = truth_crop(np.asarray(photo.convert("RGB")), short=256, crop=256)
    small = Image.fromarray(jpeg(low_res(truth, 4), 75))
    before = small.resize((small.width * 4, small.height * 4), Image.Resampling.BICUBIC)
    return pair(before, upscale(small, scale=4, model="superres-x4-gan"), LABELS["superres"])


def make(app: str, data: Path) -> Image.Image:
    """The picture of ``app``: its photos' pairs in a row."""
    pairs = []
    for i, name in enumerate(PHOTOS[app]):
        photo = Image.open(data / name).convert("RGB")
        if app == "colorizer":
            pairs.append(colorizer_pair(photo))
        elif app == "inpainter":
            pairs.append(inpainter_pair(photo, i))
        else:
            pairs.append(superres_pair(photo))
    return row(pairs)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python tools/readme_pictures.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=ROOT / "assets" / "readme", help="folder for <app>.jpg")
    p.add_argument("--data", type=Path, default=ROOT / "assets" / "eval", help="the evaluation split")
    p.add_argument("--apps", default="colorizer,inpainter,superres", help="comma-separated apps")
    a = p.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    for app in a.apps.split(","):
        missing = [n for n in PHOTOS[app] if not (a.data / n).is_file()]
        if missing:
            print(f"error: {app}: not in {a.data}: {', '.join(missing)}", file=sys.stderr)
            return 2
        target = a.out / f"{app}.jpg"
        make(app, a.data).save(target, quality=88, optimize=True)
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
