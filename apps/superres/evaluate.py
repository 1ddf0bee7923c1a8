"""``eval DATA_DIR``: the model against bicubic and Lanczos on the same low-resolution images.

Each image (cropped to a multiple of the scale) is downscaled by the task's bicubic degradation
(antialiased) and rounded to 8 bits; the model (tiled, as ``run``), PIL's bicubic and PIL's
Lanczos then upscale that LR image back. Scores are Y-channel PSNR / SSIM with ``scale`` pixels
cropped at the border (``metrics.py``), averaged over images, and ``sharpness``: the output's mean
gradient magnitude over the truth's (1.0 = as sharp as the photo).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from gancore.data import iter_rgb, require_images
from gancore.errors import UserError
from gancore.report import write_report

from .degrade import bicubic_resize
from .infer import Upscaler
from .metrics import psnr_ssim, sharpness
from .options import add_eval_arguments  # noqa: F401  (the suite reads it here)

METHODS = ("model", "bicubic", "lanczos")


def downscale(hr: np.ndarray, scale: int) -> np.ndarray:
    """RGB ``(H, W, 3)`` uint8 (H, W multiples of ``scale``) -> ``(H / s, W / s, 3)`` uint8, bicubic."""
    x = torch.from_numpy(np.array(hr)).permute(2, 0, 1)[None].float() / 255.0
    lr = bicubic_resize(x, (hr.shape[0] // scale, hr.shape[1] // scale))
    return (lr[0].permute(1, 2, 0).clamp(0, 1) * 255.0 + 0.5).to(torch.uint8).numpy()


def upscale_pil(lr: np.ndarray, scale: int, method: Image.Resampling) -> np.ndarray:
    h, w = lr.shape[:2]
    return np.asarray(Image.fromarray(lr).resize((w * scale, h * scale), method))


def score_image(up: Upscaler, hr: np.ndarray) -> dict[str, dict[str, float]]:
    """PSNR-Y / SSIM-Y of each method on one RGB uint8 image."""
    s = up.scale
    hr = hr[: hr.shape[0] // s * s, : hr.shape[1] // s * s]
    lr = downscale(hr, s)
    outputs = {
        "model": up.upscale_array(lr),
        "bicubic": upscale_pil(lr, s, Image.Resampling.BICUBIC),
        "lanczos": upscale_pil(lr, s, Image.Resampling.LANCZOS),
    }
    scores = {}
    for name, out in outputs.items():
        psnr, ssim = psnr_ssim(out, hr, border=s)
        scores[name] = {"psnr_y": psnr, "ssim_y": ssim, "sharpness": sharpness(out, hr, border=s)}
    return scores


def table(rows: list[dict]) -> str:
    lines = [f"{'method':<10} {'PSNR-Y (dB)':>12} {'SSIM-Y':>8} {'sharpness':>10}"]
    lines += [f"{r['method']:<10} {r['psnr_y']:>12.3f} {r['ssim_y']:>8.4f} {r['sharpness']:>10.3f}" for r in rows]
    return "\n".join(lines)


def evaluate(model: Path, data_dir: Path, args: argparse.Namespace) -> int:
    """The ``eval`` verb: prints the table (and writes ``--json``); 1 if some image failed."""
    files = require_images(data_dir)
    up = Upscaler.load(model, args.device, **Upscaler.options(args))
    ensemble = up.ensemble
    s = up.scale
    per_image, failed = [], []
    for path, hr in iter_rgb(files, failed):
        if min(hr.shape[:2]) < s * (11 + 2):  # SSIM's window must fit after the border crop
            failed.append(str(path))
            print(f"error: {path}: too small for x{s} evaluation ({hr.shape[1]}x{hr.shape[0]})", file=sys.stderr)
            continue
        per_image.append({"image": path.relative_to(data_dir).as_posix(), **score_image(up, hr)})
    if not per_image:
        raise UserError(f"none of the {len(files)} images under {data_dir} could be evaluated")

    rows = [
        {
            "method": m,
            "psnr_y": float(np.mean([r[m]["psnr_y"] for r in per_image])),
            "ssim_y": float(np.mean([r[m]["ssim_y"] for r in per_image])),
            "sharpness": float(np.mean([r[m]["sharpness"] for r in per_image])),
        }
        for m in METHODS
    ]
    gain = rows[0]["psnr_y"] - rows[1]["psnr_y"]
    how = ", self-ensemble of 8 views" if ensemble else ""
    print(f"x{s} on {len(per_image)} images from {data_dir} (Y channel, BT.601; {s} px border cropped{how})")
    print(table(rows))
    print(f"model vs bicubic: {gain:+.3f} dB")
    if args.json:
        report = {
            "model": str(model),
            "data": str(data_dir),
            "scale": s,
            "crop_border": s,
            "ensemble": ensemble,
            "metric": "PSNR and SSIM on Y (ITU-R BT.601, 0..255), border cropped; mean over images",
            "lr": "bicubic downscale with antialiasing, rounded to 8 bits",
            "images": len(per_image),
            "rows": rows,
            "gain_over_bicubic_db": gain,
            "per_image": per_image,
            "failed": failed,
        }
        write_report(args.json, report)
    return 1 if failed else 0
