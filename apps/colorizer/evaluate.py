"""``eval DATA_DIR``: the colorizer against the classical baseline, the gray image, on real photos.

Each photo is reduced to its lightness and colorized again; the result is compared with the
photo: PSNR and SSIM in RGB, the mean chroma error in Lab units, and colourfulness
(Hasler and Suesstrunk 2003) next to the photo's own, and ``border_gap``: how much more (or
less) chroma the outer 16-pixel band holds than the 16-pixel band just inside it (a coloured
frame shows as a large gap), and ``brisque``, the naturalness score of the other apps (no reference,
lower = more natural; ``apps.measures.naturalness``). BRISQUE reads luminance only, which a colorizer
keeps, so it can only catch artefacts (blotches that change the gray level, a broken output), not dull
colours: colourfulness is the colour measure. ``seconds_per_mp``: the model's time per megapixel.
The gray baseline keeps L and sets ab = 0. No neural colorizer ships weights that install here; the
classical hint method of Levin et al. (``colorizexl``) takes about 50 s for a 128 x 106 photo in
pure Python, so it has no row.

For a model that takes colour hints, the hint curve of Zhang et al. (2017): PSNR with N random
5 x 5 patches of the true colour per photo (``--hint-counts``, default 0 5 20 100; the places
drawn from a seed fixed per photo and N), given the way ``run --hints`` reads a hint image; and
the same from the network alone (``hints_N_network``: without the edge-aware spread of
spread.py), so what each part adds shows.
"""

from __future__ import annotations

import argparse
import sys
import time
import zlib
from pathlib import Path

import kornia
import numpy as np
import torch

from apps.measures import brisque
from gancore.data import iter_rgb, require_images
from gancore.errors import UserError
from gancore.inference import load_generator
from gancore.report import write_report

from .hints import hints_to_rgba, random_patches
from .infer import colorize
from .lab import lab_scaled_to_rgb, rgb_to_lab_scaled
from .options import HINT_COUNTS, add_eval_arguments  # noqa: F401  (re-exported for the suite's eval)

HINT_SIDE = 5  # px: the side of eval's hint patches, at the photo's resolution


GRAY_PHOTO = 2.0  # a photo less colourful than this is black and white already: eval leaves it out


def colourfulness(rgb: np.ndarray) -> float:
    """Hasler-Suesstrunk colourfulness of RGB uint8 ``(H, W, 3)``: 0 for gray, ~30-60 for typical photos."""
    r, g, b = (rgb[..., i].astype(np.float64) for i in range(3))
    rg, yb = r - g, 0.5 * (r + g) - b
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))


def gray_baseline(rgb: np.ndarray) -> np.ndarray:
    x = torch.from_numpy(np.array(rgb)).permute(2, 0, 1)[None].float() / 127.5 - 1
    light, ab = rgb_to_lab_scaled(x)
    out = lab_scaled_to_rgb(light, torch.zeros_like(ab))[0]
    return (out.permute(1, 2, 0).numpy() * 255.0 + 0.5).astype(np.uint8)


BAND = 16  # px: the width of the border bands compared by ``border_gap``


def border_gap(ab: torch.Tensor, band: int = BAND) -> float:
    """Mean chroma |ab| of the outer ``band`` px minus that of the ``band`` px inside it (Lab units).

    ``ab``: ``(1, 2, H, W)``. 0 when the image is too small to hold both bands.
    """
    chroma = ab[0].norm(dim=0)  # (H, W)
    h, w = chroma.shape
    if min(h, w) <= 4 * band:
        return 0.0
    outer = torch.ones_like(chroma, dtype=torch.bool)
    outer[band:-band, band:-band] = False
    inner = torch.zeros_like(outer)
    inner[band:-band, band:-band] = True
    inner[2 * band : -2 * band, 2 * band : -2 * band] = False
    return float(chroma[outer].mean() - chroma[inner].mean())


def hint_image(real: np.ndarray, count: int, seed: int) -> np.ndarray:
    """``count`` random ``HINT_SIDE``-px patches of ``real``'s true colour as a hint image, RGBA
    ``uint8 (H, W, 4)`` (what a user's hint PNG holds), places drawn from ``seed``."""
    x = torch.from_numpy(np.array(real)).permute(2, 0, 1)[None].float() / 127.5 - 1
    light, ab = rgb_to_lab_scaled(x)
    hint_ab, mask = random_patches(ab, count, HINT_SIDE, seed)
    return hints_to_rgba(light, hint_ab, mask)


def hint_seed(name: str, count: int) -> int:
    """The fixed seed of a photo's ``count``-patch hints (the same on every machine)."""
    return zlib.crc32(f"{name}:{count}".encode())


def scores(out: np.ndarray, real: np.ndarray) -> dict[str, float]:
    a, b = (torch.from_numpy(np.array(v)).permute(2, 0, 1)[None].float() / 255.0 for v in (out, real))
    lab_a, lab_b = kornia.color.rgb_to_lab(a), kornia.color.rgb_to_lab(b)
    ab_err = (lab_a[:, 1:] - lab_b[:, 1:]).abs().mean()
    return {
        "psnr": float(kornia.metrics.psnr(a, b, max_val=1.0)),
        "ssim": float(kornia.metrics.ssim(a, b, window_size=11, max_val=1.0).mean()),
        "ab_error": float(ab_err),
        "colourfulness": colourfulness(out),
        "colourfulness_share": colourfulness(out) / max(colourfulness(real), 1e-6),
        "border_gap": border_gap(lab_a[:, 1:]),
        "brisque": brisque(out),
    }


def evaluate(model: Path, data_dir: Path, args: argparse.Namespace) -> int:
    """Print the table (and write ``--json``); exit status 1 if an image could not be read."""
    files = require_images(data_dir)
    task, gen, cfg = load_generator(model, args.device, task="colorizer")
    temperature = task.options.temperature  # a bins head's read-out
    counts = sorted({n for n in getattr(args, "hint_counts", HINT_COUNTS) if n > 0}) if task.channels == 4 else []
    rows: dict[str, list[dict[str, float]]] = {"model": [], "gray": [], "photo": []}
    rows.update({f"hints_{n}": [] for n in counts})
    rows.update({f"hints_{n}_network": [] for n in counts})
    failed, names, seconds, megapixels, gray_photos = [], [], [], [], []
    for path, real in iter_rgb(files, failed):
        name = path.relative_to(data_dir).as_posix()
        photo_colour = colourfulness(real)
        if photo_colour < GRAY_PHOTO:  # nothing to compare colours with: gray's PSNR would be infinite
            gray_photos.append(name)
            continue
        names.append(name)
        started = time.perf_counter()
        out = colorize(gen, cfg.data.size, real, args.device, channels=task.channels, temperature=temperature)
        seconds.append(time.perf_counter() - started)
        megapixels.append(real.shape[0] * real.shape[1] / 1e6)
        rows["model"].append(scores(out, real))
        rows["gray"].append(scores(gray_baseline(real), real))
        rows["photo"].append({"colourfulness": photo_colour, "brisque": brisque(real)})
        for n in counts:
            hints = hint_image(real, n, hint_seed(name, n))
            out = colorize(gen, cfg.data.size, real, args.device, hints, task.channels, temperature=temperature)
            rows[f"hints_{n}"].append(scores(out, real))
            alone = colorize(
                gen, cfg.data.size, real, args.device, hints, task.channels, spread=False,
                temperature=temperature,
            )  # fmt: skip
            rows[f"hints_{n}_network"].append(scores(alone, real))
    for name in gray_photos:
        print(f"left out {name}: already black and white (colourfulness under {GRAY_PHOTO})", file=sys.stderr)
    if not rows["model"]:
        what = "is in colour" if gray_photos else "could be read"
        raise UserError(f"none of the images under {data_dir} {what}")
    mean = {m: {k: float(np.mean([r[k] for r in rs])) for k in rs[0]} for m, rs in rows.items()}
    mean["model"]["seconds_per_mp"] = sum(seconds) / max(sum(megapixels), 1e-9)
    print(f"{len(rows['model'])} images from {data_dir}, model {model}")
    head = (
        f"{'method':<8} {'PSNR (dB)':>10} {'SSIM':>7} {'ab error':>9} {'colourfulness':>14} {'share':>6} {'border':>7}"
        f" {'BRISQUE':>8}"
    )
    print(head)
    for m in ("model", "gray"):
        r = mean[m]
        print(
            f"{m:<8} {r['psnr']:>10.2f} {r['ssim']:>7.4f} {r['ab_error']:>9.2f} {r['colourfulness']:>14.1f}"
            f" {r['colourfulness_share']:>6.0%} {r['border_gap']:>+7.2f} {r['brisque']:>8.1f}"
        )
    photo = mean["photo"]
    blank = f"{'':>10} {'':>7} {'':>9}"
    print(f"{'photo':<8} {blank} {photo['colourfulness']:>14.1f} {'':>6} {'':>7} {photo['brisque']:>8.1f}")
    print(f"model: {mean['model']['seconds_per_mp']:.2f} s per megapixel on this machine")
    worst = max(abs(r["border_gap"]) for r in rows["model"])
    print(f"share: colourfulness / the photo's (per image, averaged); border: chroma of the outer {BAND} px band")
    print(f"minus the band inside it (mean; the worst image {worst:.2f} ab units)")
    if counts:
        print(f"hint curve (random {HINT_SIDE}x{HINT_SIDE} patches of the true colour per photo):")
        print(f"{'hints':>6} {'PSNR (dB)':>10} {'vs none':>8} {'ab error':>9} {'network alone (no spread)':>26}")
        for n in [0, *counts]:
            r = mean["model" if n == 0 else f"hints_{n}"]
            alone = mean["model" if n == 0 else f"hints_{n}_network"]["psnr"]
            print(
                f"{n:>6} {r['psnr']:>10.2f} {r['psnr'] - mean['model']['psnr']:>+8.2f} {r['ab_error']:>9.2f}"
                f" {alone:>26.2f}"
            )
    if args.json:
        report = {
            "model": str(model),
            "data": str(data_dir),
            "images": len(rows["model"]),
            "mean": mean,
            "worst_border_gap": worst,
            "hint_counts": counts,
            "per_image": [{"image": n, **{m: rows[m][i] for m in rows}} for i, n in enumerate(names)],
            "failed": failed,
            "left_out_gray": gray_photos,
        }
        write_report(args.json, report)
    return 1 if failed else 0
