"""``eval DATA_DIR``: the colorizer against the classical baseline, the gray image, on real photos.

Each photo is reduced to its lightness and colorized again; the result is compared with the
photo: PSNR and SSIM in RGB, the mean chroma error in Lab units, and colourfulness
(Hasler and Suesstrunk 2003) next to the photo's own, and ``border_gap``: how much more (or
less) chroma the outer 16-pixel band holds than the 16-pixel band just inside it (a coloured
frame shows as a large gap). The gray baseline keeps L and sets ab = 0.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import kornia
import numpy as np
import torch

from gancore.data import iter_rgb, require_images
from gancore.errors import UserError
from gancore.inference import load_generator
from gancore.report import write_report

from .infer import colorize
from .task import lab_scaled_to_rgb, rgb_to_lab_scaled


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
    }


def evaluate(model: Path, data_dir: Path, args: argparse.Namespace) -> int:
    """Print the table (and write ``--json``); exit status 1 if an image could not be read."""
    files = require_images(data_dir)
    _, gen, cfg = load_generator(model, args.device, task="colorizer")
    rows: dict[str, list[dict[str, float]]] = {"model": [], "gray": [], "photo": []}
    failed, names = [], []
    for path, real in iter_rgb(files, failed):
        names.append(path.relative_to(data_dir).as_posix())
        rows["model"].append(scores(colorize(gen, cfg.data.size, real, args.device), real))
        rows["gray"].append(scores(gray_baseline(real), real))
        rows["photo"].append({"colourfulness": colourfulness(real)})
    if not rows["model"]:
        raise UserError(f"none of the images under {data_dir} could be read")
    mean = {m: {k: float(np.mean([r[k] for r in rs])) for k in rs[0]} for m, rs in rows.items()}
    print(f"{len(rows['model'])} images from {data_dir}, model {model}")
    head = (
        f"{'method':<8} {'PSNR (dB)':>10} {'SSIM':>7} {'ab error':>9} {'colourfulness':>14} {'share':>6} {'border':>7}"
    )
    print(head)
    for m in ("model", "gray"):
        r = mean[m]
        print(
            f"{m:<8} {r['psnr']:>10.2f} {r['ssim']:>7.4f} {r['ab_error']:>9.2f} {r['colourfulness']:>14.1f}"
            f" {r['colourfulness_share']:>6.0%} {r['border_gap']:>+7.2f}"
        )
    print(f"{'photo':<8} {'':>10} {'':>7} {'':>9} {mean['photo']['colourfulness']:>14.1f}")
    worst = max(abs(r["border_gap"]) for r in rows["model"])
    print(f"share: colourfulness / the photo's (per image, averaged); border: chroma of the outer {BAND} px band")
    print(f"minus the band inside it (mean; the worst image {worst:.2f} ab units)")
    if args.json:
        report = {
            "model": str(model),
            "data": str(data_dir),
            "images": len(rows["model"]),
            "mean": mean,
            "worst_border_gap": worst,
            "per_image": [{"image": n, **{m: rows[m][i] for m in rows}} for i, n in enumerate(names)],
            "failed": failed,
        }
        write_report(args.json, report)
    return 1 if failed else 0
