"""``eval DATA_DIR``: the model against OpenCV's ``cv2.inpaint`` (Telea and Navier-Stokes), the push-pull
pyramid fill alone (the default model's first guess, so its learned part shows) and, when ``make
peers`` has made their environment, the fills people use: PatchMatch and OpenCV xphoto's FSR.

Each image is resized (antialiased) so its shorter side is ``--size`` px (384 by default; never
enlarged), then for each mask set (``masks.EVAL_SETS``: thin / medium / thick strokes, one box of
35 % x 35 % of the sides, object-shaped blobs of 10-35 %) a mask is drawn from a fixed seed (the
set's base + a CRC of the file name), so every method, and every later run, sees the same holes.
Fidelity is over the hole pixels only: PSNR (RGB, 0..255) and the mean of SSIM's map (11 x 11
Gaussian window, per channel) inside the hole. What a person sees: ``texture``, the fill's Sobel
mean gradient magnitude over the truth's inside the hole eroded by 3 px (1 = as detailed as the photo, 0 =
a smooth blob; ``apps.measures.texture``), and ``brisque``, the naturalness of the hole's bounding
box grown by 16 px (lower = more natural; ``apps.measures.naturalness``). Means over images;
``s/MP`` is each method's time per megapixel of picture on this machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import zlib
from pathlib import Path

import cv2
import kornia
import numpy as np
import torch
from PIL import Image

from apps import peers
from apps.measures import brisque, texture_ratio
from gancore.data import iter_rgb, require_images
from gancore.errors import UserError
from gancore.inference import load_generator
from gancore.report import write_report

from .infer import MAX_SIDE, inpaint
from .masks import EVAL_SETS, draw_fixed
from .options import add_eval_arguments  # noqa: F401  (the suite reads it here)
from .task import InpainterTask

METHODS = ("model", "pyramid", "telea", "ns")
PEER_SETS = ("medium", "box", "blobs")  # the peers' rows (each costs 1-4 s a picture; thin and thick are left out)
CONTEXT = 16  # px around the hole's bounding box that BRISQUE sees
RADIUS = 3  # cv2.inpaint's neighbourhood radius (OpenCV's documentation uses 3)
FILL_ONLY = InpainterTask(InpainterTask.Options(fill="pyramid", residual=True))  # for the `pyramid` row


def hole_scores(out: np.ndarray, ref: np.ndarray, hole: np.ndarray) -> dict[str, float]:
    """Hole PSNR (dB), hole SSIM, texture and BRISQUE of a fill: RGB ``(H, W, 3)`` uint8 ``out`` against
    the truth ``ref``, ``hole`` ``(H, W)`` bool."""
    diff = out.astype(np.float64)[hole] - ref.astype(np.float64)[hole]
    mse = float(np.mean(diff**2))
    psnr = 10 * np.log10(255.0**2 / mse) if mse > 0 else float("inf")
    a, b = (torch.from_numpy(np.array(v)).permute(2, 0, 1)[None].double() / 255.0 for v in (out, ref))
    ssim_map = kornia.metrics.ssim(a, b, window_size=11, max_val=1.0)[0].mean(0)  # (H, W)
    return {
        "psnr": float(psnr),
        "ssim": float(ssim_map.numpy()[hole].mean()),
        "texture": texture_ratio(out, ref, hole),
        "brisque": brisque(out[hole_window(hole)]),
    }


def hole_window(hole: np.ndarray, context: int = CONTEXT, least: int = 64) -> tuple[slice, slice]:
    """The hole's bounding box grown by ``context`` px, at least ``least`` px a side where the picture
    allows: what BRISQUE scores (the rest of the picture is the input in every method)."""
    ys, xs = np.nonzero(hole)
    h, w = hole.shape
    if len(ys) == 0:
        return np.s_[:, :]

    def span(lo: int, hi: int, size: int) -> slice:
        lo, hi = max(0, lo - context), min(size, hi + 1 + context)
        grow = max(0, least - (hi - lo))
        lo, hi = max(0, lo - grow // 2), min(size, hi + grow - grow // 2)
        return slice(max(0, min(lo, size - least)), hi) if hi - lo < least else slice(lo, hi)

    return span(ys.min(), ys.max(), h), span(xs.min(), xs.max(), w)


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


def timed(fn, *args) -> tuple[np.ndarray, float]:
    started = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - started


def score_image(task, gen, rgb: np.ndarray, name: str, sets: list[str], device: str) -> dict[str, dict]:
    """Scores (and seconds) of every method of this process on one image for each mask set."""
    seed = zlib.crc32(os.fsencode(name))
    result = {}
    for s in sets:
        hole = draw_fixed(s, seed, *rgb.shape[:2]).numpy()
        outputs = {
            "model": timed(inpaint, task, gen, rgb, hole, device, MAX_SIDE),
            "pyramid": timed(pyramid, rgb, hole),
            "telea": timed(classical, rgb, hole, cv2.INPAINT_TELEA),
            "ns": timed(classical, rgb, hole, cv2.INPAINT_NS),
        }
        result[s] = {"coverage": float(hole.mean())}
        for m, (o, sec) in outputs.items():
            result[s][m] = {**hole_scores(o, rgb, hole), "seconds": sec}
    return result


def peer_scores(pictures: dict[str, np.ndarray], sets: list[str]) -> dict[str, dict[str, dict[str, dict]]]:
    """``{image: {set: {peer: scores}}}`` of every peer fill on the sets of ``PEER_SETS`` (the same masks)."""
    found: dict[str, dict[str, dict[str, dict]]] = {n: {} for n in pictures}
    for s in (s for s in sets if s in PEER_SETS):
        holes = {n: draw_fixed(s, zlib.crc32(os.fsencode(n)), *rgb.shape[:2]).numpy() for n, rgb in pictures.items()}
        for p in peers.FILLS:
            for n, (out, sec) in peers.run(p.name, pictures, masks=holes).items():
                found[n].setdefault(s, {})[p.name] = {**hole_scores(out, pictures[n], holes[n]), "seconds": sec}
    return found


def summarize(per_image: list[dict], sets: list[str]) -> list[dict]:
    """One row per (mask set, method): mean hole PSNR / SSIM / texture / BRISQUE over images, s/MP."""
    rows = []
    for s in sets:
        methods = list(dict.fromkeys(m for r in per_image for m in r["sets"][s] if m != "coverage"))
        for m in methods:
            have = [r for r in per_image if m in r["sets"][s]]
            vals = [r["sets"][s][m] for r in have]
            pixels = sum(r["size"][0] * r["size"][1] for r in have) / 1e6
            textures = [v["texture"] for v in vals if np.isfinite(v["texture"])]
            rows.append(
                {
                    "masks": s,
                    "method": m,
                    "psnr": float(np.mean([v["psnr"] for v in vals])),
                    "ssim": float(np.mean([v["ssim"] for v in vals])),
                    "texture": float(np.mean(textures)) if textures else None,
                    "brisque": float(np.mean([v["brisque"] for v in vals])),
                    "seconds_per_mp": float(sum(v["seconds"] for v in vals) / max(pixels, 1e-9)),
                    "coverage": float(np.mean([r["sets"][s]["coverage"] for r in have])),
                    "images": len(have),
                }
            )
    return rows


def table(rows: list[dict]) -> str:
    head = f"{'masks':<7} {'coverage':>8} {'method':<18} {'hole PSNR':>9} {'hole SSIM':>9}"
    lines = [head + f" {'texture':>7} {'BRISQUE':>7} {'s/MP':>6}"]
    for r in rows:
        tex = f"{r['texture']:>7.2f}" if r["texture"] is not None else f"{'-':>7}"
        label = peers.LABELS.get(r["method"], r["method"])
        lines.append(
            f"{r['masks']:<7} {r['coverage']:>8.1%} {label:<18} {r['psnr']:>9.3f} {r['ssim']:>9.4f} {tex}"
            f" {r['brisque']:>7.1f} {r['seconds_per_mp']:>6.2f}"
        )
    return "\n".join(lines)


def evaluate(model: Path, data_dir: Path, args: argparse.Namespace) -> int:
    """The ``eval`` verb: prints the table (and writes ``--json``); 1 if some image failed."""
    files = require_images(data_dir)
    task, gen, _cfg = load_generator(model, args.device, task="inpainter")
    sets = list(args.sets)
    use_peers = getattr(args, "peers", "auto") != "none" and peers.available()
    if getattr(args, "peers", "auto") == "auto" and not peers.available():
        print(peers.missing_line(), file=sys.stderr)
    per_image, failed, pictures = [], [], {}
    for path, rgb in iter_rgb(files, failed):
        rgb = resize_short(rgb, args.size)
        name = path.relative_to(data_dir).as_posix()
        pictures[name] = rgb
        per_image.append(
            {
                "image": name,
                "size": list(rgb.shape[1::-1]),
                "sets": score_image(task, gen, rgb, name, sets, args.device),
            }
        )
    if not per_image:
        raise UserError(f"none of the {len(files)} images under {data_dir} could be evaluated")
    if use_peers:
        found = peer_scores(pictures, sets)
        for r in per_image:
            for s, by_peer in found[r["image"]].items():
                r["sets"][s].update(by_peer)
    rows = summarize(per_image, sets)
    print(f"{len(per_image)} images from {data_dir}, shorter side {args.size} px; fidelity over the hole pixels only")
    print(table(rows))
    if args.json:
        report = {
            "model": str(model),
            "data": str(data_dir),
            "size": args.size,
            "metric": "PSNR (RGB 0..255) and mean SSIM map (11x11 Gaussian) over hole pixels; texture: Sobel "
            "gradient magnitude (mean) of the fill over the truth's in the hole eroded by 3 px; brisque: BRISQUE "
            f"(LIVE) of the hole's bounding box grown by {CONTEXT} px; seconds_per_mp: time per megapixel; "
            "mean over images",
            "peers": sorted({r["method"] for r in rows} & set(peers.LABELS)),
            "baselines": f"cv2.inpaint radius {RADIUS}: telea = INPAINT_TELEA, ns = INPAINT_NS; "
            "pyramid = the push-pull fill alone (the default model's first guess), same crops as the model",
            "mask_sets": {s: mask_set(s) for s in sets},
            "images": len(per_image),
            "rows": rows,
            "per_image": per_image,
            "failed": failed,
        }
        write_report(args.json, report)
    return 1 if failed else 0


def mask_set(name: str) -> dict:
    """An eval set as the report writes it: its policy, seed base and options."""
    e = EVAL_SETS[name]
    return {"policy": e.policy, "seed_base": e.seed, **vars_of(e.options)}


def vars_of(policy) -> dict:
    return {"coverage": list(policy.coverage), "width": list(policy.width), "shapes": policy.shapes}
