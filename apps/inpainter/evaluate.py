"""``eval DATA_DIR``: the model against OpenCV's ``cv2.inpaint`` (Telea and Navier-Stokes) and against
the push-pull pyramid fill alone (the default model's first guess, so its learned part shows).

Each image is resized (antialiased) so its shorter side is ``--size`` px (256 by default; never
enlarged), then for each mask set (thin / medium / thick stroke masks, ``masks.EVAL_SETS``) a
mask is drawn from a fixed seed (the set's base + a CRC of the file name), so every method, and
every later run, sees the same holes. Scores are over the hole pixels only: PSNR (RGB, 0..255)
and the mean of SSIM's map (11 x 11 Gaussian window, per channel) inside the hole, averaged
over images.
"""

from __future__ import annotations

import argparse
import os
import zlib
from pathlib import Path

import cv2
import kornia
import numpy as np
import torch
from PIL import Image

from gancore.data import iter_rgb, require_images
from gancore.errors import UserError
from gancore.inference import load_generator
from gancore.report import write_report

from .infer import MAX_SIDE, inpaint
from .masks import EVAL_SETS, draw_fixed
from .options import add_eval_arguments  # noqa: F401  (the suite reads it here)
from .task import InpainterTask

METHODS = ("model", "pyramid", "telea", "ns")
RADIUS = 3  # cv2.inpaint's neighbourhood radius (OpenCV's documentation uses 3)
FILL_ONLY = InpainterTask(InpainterTask.Options(fill="pyramid", residual=True))  # for the `pyramid` row


def hole_scores(out: np.ndarray, ref: np.ndarray, hole: np.ndarray) -> dict[str, float]:
    """PSNR (dB) and SSIM over the ``hole`` ``(H, W)`` bool pixels of two RGB ``(H, W, 3)`` uint8 images."""
    diff = out.astype(np.float64)[hole] - ref.astype(np.float64)[hole]
    mse = float(np.mean(diff**2))
    psnr = 10 * np.log10(255.0**2 / mse) if mse > 0 else float("inf")
    a, b = (torch.from_numpy(np.array(v)).permute(2, 0, 1)[None].double() / 255.0 for v in (out, ref))
    ssim_map = kornia.metrics.ssim(a, b, window_size=11, max_val=1.0)[0].mean(0)  # (H, W)
    return {"psnr": float(psnr), "ssim": float(ssim_map.numpy()[hole].mean())}


def resize_short(rgb: np.ndarray, short: int) -> np.ndarray:
    h, w = rgb.shape[:2]
    if min(h, w) <= short:
        return rgb
    f = short / min(h, w)
    size = (max(1, round(w * f)), max(1, round(h * f)))
    return np.asarray(Image.fromarray(rgb).resize(size, Image.Resampling.LANCZOS))


def classical(rgb: np.ndarray, hole: np.ndarray, flag: int) -> np.ndarray:
    """``cv2.inpaint`` on RGB ``(H, W, 3)`` uint8 (it is channel-order agnostic)."""
    return cv2.inpaint(np.ascontiguousarray(rgb), hole.astype(np.uint8) * 255, RADIUS, flag)


def _no_residual(inputs: dict) -> torch.Tensor:
    """A stand-in generator whose residual is 0: the composite is then the push-pull fill itself."""
    cond = inputs["condition"]
    return torch.zeros_like(cond[:, :3])


def pyramid(rgb: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """The push-pull fill alone, through the model's own crop pipeline: RGB ``(H, W, 3)`` uint8 -> same."""
    return inpaint(FILL_ONLY, _no_residual, rgb, hole, "cpu", MAX_SIDE)


def score_image(task, gen, rgb: np.ndarray, name: str, sets: list[str], device: str) -> dict[str, dict]:
    """Scores of every method on one image for each mask set."""
    seed = zlib.crc32(os.fsencode(name))
    result = {}
    for s in sets:
        hole = draw_fixed(s, seed, *rgb.shape[:2]).numpy()
        outputs = {
            "model": inpaint(task, gen, rgb, hole, device, MAX_SIDE),
            "pyramid": pyramid(rgb, hole),
            "telea": classical(rgb, hole, cv2.INPAINT_TELEA),
            "ns": classical(rgb, hole, cv2.INPAINT_NS),
        }
        result[s] = {"coverage": float(hole.mean()), **{m: hole_scores(o, rgb, hole) for m, o in outputs.items()}}
    return result


def summarize(per_image: list[dict], sets: list[str]) -> list[dict]:
    """One row per (mask set, method): mean hole PSNR / SSIM over images."""
    rows = []
    for s in sets:
        for m in METHODS:
            vals = [r["sets"][s][m] for r in per_image]
            rows.append(
                {
                    "masks": s,
                    "method": m,
                    "psnr": float(np.mean([v["psnr"] for v in vals])),
                    "ssim": float(np.mean([v["ssim"] for v in vals])),
                    "coverage": float(np.mean([r["sets"][s]["coverage"] for r in per_image])),
                }
            )
    return rows


def table(rows: list[dict]) -> str:
    lines = [f"{'masks':<8} {'coverage':>8} {'method':<7} {'hole PSNR (dB)':>15} {'hole SSIM':>10}"]
    lines += [
        f"{r['masks']:<8} {r['coverage']:>8.1%} {r['method']:<7} {r['psnr']:>15.3f} {r['ssim']:>10.4f}" for r in rows
    ]
    return "\n".join(lines)


def evaluate(model: Path, data_dir: Path, args: argparse.Namespace) -> int:
    """The ``eval`` verb: prints the table (and writes ``--json``); 1 if some image failed."""
    files = require_images(data_dir)
    task, gen, _cfg = load_generator(model, args.device, task="inpainter")
    sets = list(args.sets)
    per_image, failed = [], []
    for path, rgb in iter_rgb(files, failed):
        rgb = resize_short(rgb, args.size)
        name = path.relative_to(data_dir).as_posix()
        per_image.append(
            {
                "image": name,
                "size": list(rgb.shape[1::-1]),
                "sets": score_image(task, gen, rgb, name, sets, args.device),
            }
        )
    if not per_image:
        raise UserError(f"none of the {len(files)} images under {data_dir} could be evaluated")
    rows = summarize(per_image, sets)
    print(f"{len(per_image)} images from {data_dir}, shorter side {args.size} px; scores over the hole pixels only")
    print(table(rows))
    if args.json:
        report = {
            "model": str(model),
            "data": str(data_dir),
            "size": args.size,
            "metric": "PSNR (RGB 0..255) and mean SSIM map (11x11 Gaussian) over hole pixels; mean over images",
            "baselines": f"cv2.inpaint radius {RADIUS}: telea = INPAINT_TELEA, ns = INPAINT_NS; "
            "pyramid = the push-pull fill alone (the default model's first guess), same crops as the model",
            "mask_sets": {s: {"seed_base": EVAL_SETS[s][1], **vars_of(EVAL_SETS[s][0])} for s in sets},
            "images": len(per_image),
            "rows": rows,
            "per_image": per_image,
            "failed": failed,
        }
        write_report(args.json, report)
    return 1 if failed else 0


def vars_of(policy) -> dict:
    return {"coverage": list(policy.coverage), "width": list(policy.width), "shapes": policy.shapes}
