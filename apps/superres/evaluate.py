"""``eval DATA_DIR``: the model against bicubic, Lanczos and (after ``make peers``) Real-ESRGAN x4plus and
DAT-light, for fidelity and for what a person sees.

Two protocols, each its own table:

- **full photos** (the literature's): each image (cropped to a multiple of the scale) is downscaled
  by the task's bicubic degradation (antialiased) and rounded to 8 bits; the model (tiled, as
  ``run``), PIL's bicubic and PIL's Lanczos upscale it back.
- **web inputs** (``webinputs.py``): the centre 192-px crop of each photo at 384 px shorter side,
  reduced by PIL's bicubic and given clean, or as a JPEG of quality 75 or 50, as pictures arrive
  from the web; here the peers run too, on the same inputs.

Scores: Y-channel PSNR / SSIM with ``scale`` pixels cropped at the border (``metrics.py``);
``sharpness``, the output's mean gradient magnitude over the truth's (1.0 = as sharp as the photo);
``brisque``, the output's naturalness (no reference; lower = more natural, photos score 5-20;
``apps.measures.naturalness``); ``s/MP``, the method's time per output megapixel on this machine.
Means over images.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from apps import peers
from apps.measures import brisque
from gancore.data import iter_rgb, require_images
from gancore.errors import UserError
from gancore.report import write_report

from .degrade import bicubic_resize
from .infer import Upscaler
from .metrics import psnr_ssim, sharpness
from .options import add_eval_arguments  # noqa: F401  (the suite reads it here)
from .webinputs import CROP, INPUTS, SHORT, low_res, truth_crop

METHODS = ("model", "bicubic", "lanczos")
WEB_METHODS = ("model", "bicubic")  # the peers follow


def downscale(hr: np.ndarray, scale: int) -> np.ndarray:
    """RGB ``(H, W, 3)`` uint8 (H, W multiples of ``scale``) -> ``(H / s, W / s, 3)`` uint8, bicubic."""
    x = torch.from_numpy(np.array(hr)).permute(2, 0, 1)[None].float() / 255.0
    lr = bicubic_resize(x, (hr.shape[0] // scale, hr.shape[1] // scale))
    return (lr[0].permute(1, 2, 0).clamp(0, 1) * 255.0 + 0.5).to(torch.uint8).numpy()


def upscale_pil(lr: np.ndarray, scale: int, method: Image.Resampling) -> np.ndarray:
    h, w = lr.shape[:2]
    return np.asarray(Image.fromarray(lr).resize((w * scale, h * scale), method))


def measures(out: np.ndarray, hr: np.ndarray, s: int, seconds: float) -> dict[str, float]:
    """Every score of one upscale ``out`` of the truth ``hr`` (RGB uint8, same shape)."""
    psnr, ssim = psnr_ssim(out, hr, border=s)
    return {
        "psnr_y": psnr,
        "ssim_y": ssim,
        "sharpness": sharpness(out, hr, border=s),
        "brisque": brisque(out),
        "seconds": seconds,
    }


def timed(fn, *args) -> tuple[np.ndarray, float]:
    started = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - started


def score_image(up: Upscaler, hr: np.ndarray) -> dict[str, dict[str, float]]:
    """Scores of each method on one RGB uint8 photo, full-photo protocol."""
    s = up.scale
    hr = hr[: hr.shape[0] // s * s, : hr.shape[1] // s * s]
    lr = downscale(hr, s)
    outputs = {
        "model": timed(up.upscale_array, lr),
        "bicubic": timed(upscale_pil, lr, s, Image.Resampling.BICUBIC),
        "lanczos": timed(upscale_pil, lr, s, Image.Resampling.LANCZOS),
    }
    return {name: measures(out, hr, s, sec) for name, (out, sec) in outputs.items()}


def web_inputs(photos: dict[str, np.ndarray], scale: int) -> tuple[dict[str, np.ndarray], dict[str, dict]]:
    """The truth crops ``{image: hr}`` and their inputs ``{input: {image: lr}}`` of the web protocol."""
    truths = {n: truth_crop(p) for n, p in photos.items()}
    return truths, {i: {n: low_res(hr, scale, q) for n, hr in truths.items()} for i, q in INPUTS.items()}


def score_web(up: Upscaler, photos: dict[str, np.ndarray], use_peers: bool) -> dict[str, dict[str, dict]]:
    """``{image: {input: {method: scores}}}`` of the web protocol, peers included when asked."""
    s = up.scale
    truths, inputs = web_inputs(photos, s)
    found: dict[str, dict[str, dict]] = {n: {} for n in photos}
    for i, lrs in inputs.items():
        for n, lr in lrs.items():
            outputs = {
                "model": timed(up.upscale_array, lr),
                "bicubic": timed(upscale_pil, lr, s, Image.Resampling.BICUBIC),
            }
            found[n][i] = {m: measures(out, truths[n], s, sec) for m, (out, sec) in outputs.items()}
        for p in peers.UPSCALERS if use_peers else ():
            if s in p.scales:
                for n, (out, sec) in peers.run(p.name, lrs, scale=s).items():
                    found[n][i][p.name] = measures(out, truths[n], s, sec)
    for n, hr in truths.items():
        found[n]["truth_brisque"] = brisque(hr)
    return found


def mean_rows(per_image: list[dict], methods: list[str]) -> list[dict]:
    """One row per method: the mean of each score; ``seconds_per_mp`` from the summed times."""
    rows = []
    for m in methods:
        vals = [r[m] for r in per_image if m in r]
        if not vals:
            continue
        row = {"method": m, **{k: float(np.mean([v[k] for v in vals])) for k in ("psnr_y", "ssim_y", "sharpness")}}
        row["brisque"] = float(np.mean([v["brisque"] for v in vals]))
        row["seconds_per_mp"] = float(sum(v["seconds"] for v in vals) / max(sum(v["mp"] for v in vals), 1e-9))
        rows.append(row)
    return rows


def table(rows: list[dict]) -> str:
    head = f"{'method':<20} {'PSNR-Y (dB)':>12} {'SSIM-Y':>8} {'sharpness':>10} {'BRISQUE':>8} {'s/MP':>7}"
    lines = [head]
    for r in rows:
        label = peers.LABELS.get(r["method"], r["method"])
        lines.append(
            f"{label:<20} {r['psnr_y']:>12.3f} {r['ssim_y']:>8.4f} {r['sharpness']:>10.3f} {r['brisque']:>8.1f}"
            f" {r['seconds_per_mp']:>7.2f}"
        )
    return "\n".join(lines)


def _with_mp(scores: dict[str, dict], side_h: int, side_w: int) -> dict[str, dict]:
    return {m: {**v, "mp": side_h * side_w / 1e6} for m, v in scores.items()}


def evaluate(model: Path, data_dir: Path, args: argparse.Namespace) -> int:
    """The ``eval`` verb: prints the tables (and writes ``--json``); 1 if some image failed."""
    files = require_images(data_dir)
    up = Upscaler.load(model, args.device, **Upscaler.options(args))
    ensemble = up.ensemble
    s = up.scale
    want = getattr(args, "peers", "auto")
    use_peers = want != "none" and peers.available()
    if want == "auto" and not peers.available():
        print(peers.missing_line(), file=sys.stderr)
    web_only = getattr(args, "web_only", False)
    per_image, failed, photos = [], [], {}
    for path, hr in iter_rgb(files, failed):
        if min(hr.shape[:2]) < s * (11 + 2):  # SSIM's window must fit after the border crop
            failed.append(str(path))
            print(f"error: {path}: too small for x{s} evaluation ({hr.shape[1]}x{hr.shape[0]})", file=sys.stderr)
            continue
        name = path.relative_to(data_dir).as_posix()
        h, w = hr.shape[0] // s * s, hr.shape[1] // s * s
        full = {} if web_only else _with_mp(score_image(up, hr), h, w)
        per_image.append({"image": name, **full, "truth_brisque": brisque(hr)})
        photos[name] = hr
    if not per_image:
        raise UserError(f"none of the {len(files)} images under {data_dir} could be evaluated")
    web = score_web(up, photos, use_peers)
    for r in per_image:
        r["web"] = {i: _with_mp(web[r["image"]][i], CROP, CROP) for i in INPUTS}
        r["web"]["truth_brisque"] = web[r["image"]]["truth_brisque"]

    rows = [] if web_only else mean_rows(per_image, list(METHODS))
    methods = [*WEB_METHODS, *(p.name for p in peers.UPSCALERS)]
    web_rows = {i: mean_rows([r["web"][i] for r in per_image], methods) for i in INPUTS}
    photo_brisque = float(np.mean([r["truth_brisque"] for r in per_image]))
    crop_brisque = float(np.mean([r["web"]["truth_brisque"] for r in per_image]))
    gain = rows[0]["psnr_y"] - rows[1]["psnr_y"] if rows else None
    how = ", self-ensemble of 8 views" if ensemble else ""
    print(f"x{s} on {len(per_image)} images from {data_dir} (Y channel, BT.601; {s} px border cropped{how})")
    if rows:
        print(f"full photos, clean bicubic LR (the photos' own BRISQUE: {photo_brisque:.1f})")
        print(table(rows))
        print(f"model vs bicubic: {gain:+.3f} dB")
    for i, r in web_rows.items():
        print(f"\nweb inputs: {CROP}-px crops, input {i} (the crops' own BRISQUE: {crop_brisque:.1f})")
        print(table(r))
    if args.json:
        report = {
            "model": str(model),
            "data": str(data_dir),
            "scale": s,
            "crop_border": s,
            "ensemble": ensemble,
            "metric": "PSNR and SSIM on Y (ITU-R BT.601, 0..255), border cropped; sharpness: mean Sobel gradient "
            "over the truth's; brisque: BRISQUE (LIVE model, lower = more natural) of the whole output; "
            "seconds_per_mp: time per output megapixel on this machine; mean over images",
            "lr": "bicubic downscale with antialiasing, rounded to 8 bits",
            "images": len(per_image),
            "rows": rows,
            "gain_over_bicubic_db": gain,
            "photo_brisque": photo_brisque,
            "web": {
                "protocol": f"centre {CROP} px crop at {SHORT} px shorter side (Lanczos); LR by PIL bicubic; "
                "jpegQ = the LR saved as JPEG of quality Q (PIL, 4:2:0)",
                "crop": CROP,
                "truth_brisque": crop_brisque,
                "inputs": web_rows,
                "peers": sorted({r["method"] for rs in web_rows.values() for r in rs} & set(peers.LABELS)),
            },
            "per_image": per_image,
            "failed": failed,
        }
        write_report(args.json, report)
    return 1 if failed else 0
