"""``eval/RESULTS.md``: the tables of every model's report, model next to its baselines."""

from __future__ import annotations

from pathlib import Path

from .models import shown


def _colorizer(r: dict) -> list[str]:
    m, g, photo = r["mean"]["model"], r["mean"]["gray"], r["mean"]["photo"]
    lines = ["| method | PSNR (dB) | SSIM | mean ab error | colourfulness | share of the photo's | border gap |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    for name, v in (("model", m), ("gray (the baseline)", g)):
        lines.append(f"| {name} | {v['psnr']:.2f} | {v['ssim']:.4f} | {v['ab_error']:.2f} | {v['colourfulness']:.1f} "
                     f"| {v['colourfulness_share']:.0%} | {v['border_gap']:+.2f} |")  # fmt: skip
    lines.append(f"| the photos | | | | {photo['colourfulness']:.1f} | 100% | |")
    lines += ["", f"Model - gray: **{m['psnr'] - g['psnr']:+.2f} dB** PSNR (RGB, full resolution up to 1024 px). "
              f"Border gap: mean chroma of the outer 16 px band minus the band inside it (worst image "
              f"{r.get('worst_border_gap', 0):.2f} ab units)."]  # fmt: skip
    if r.get("hint_counts"):
        lines += ["", "Colour hints (random 5 x 5 patches of the true colour per photo, given as hint images):", "",
                  "| hints | PSNR (dB) | vs no hints | mean ab error | the network alone (no spread) |",
                  "|---|---|---|---|---|"]  # fmt: skip
        for n in [0, *r["hint_counts"]]:
            v = r["mean"]["model" if n == 0 else f"hints_{n}"]
            alone = r["mean"].get("model" if n == 0 else f"hints_{n}_network", v)["psnr"]
            lines.append(
                f"| {n} | {v['psnr']:.2f} | {v['psnr'] - m['psnr']:+.2f} | {v['ab_error']:.2f} | {alone:.2f} |"
            )
    return lines


def _inpainter(r: dict) -> list[str]:
    lines = ["| masks (mean coverage) | method | hole PSNR (dB) | hole SSIM |", "|---|---|---|---|"]
    names = {"model": "model", "pyramid": "pyramid fill alone", "telea": "cv2.inpaint Telea", "ns": "cv2.inpaint NS"}
    for row in r["rows"]:
        first = f"{row['masks']} ({row['coverage']:.1%})" if row["method"] == "model" else ""
        lines.append(f"| {first} | {names[row['method']]} | {row['psnr']:.3f} | {row['ssim']:.4f} |")
    by = {(row["masks"], row["method"]): row["psnr"] for row in r["rows"]}
    gains = []
    for s in dict.fromkeys(row["masks"] for row in r["rows"]):
        model = by[(s, "model")]
        gains.append(
            f"{s}: {model - by[(s, 'telea')]:+.2f} dB vs Telea, {model - by[(s, 'pyramid')]:+.2f} dB vs the pyramid"
        )
    return [*lines, "", "Model - baselines (hole PSNR): " + "; ".join(gains) + f". Shorter side {r['size']} px."]


def _superres(r: dict) -> list[str]:
    lines = ["| method | PSNR-Y (dB) | SSIM-Y | sharpness (gradient vs truth) |", "|---|---|---|---|"]
    lines += [f"| {row['method']} | {row['psnr_y']:.3f} | {row['ssim_y']:.4f} | {row.get('sharpness', 0):.3f} |"
              for row in r["rows"]]  # fmt: skip
    return [*lines, "", f"x{r['scale']}; model - bicubic: **{r['gain_over_bicubic_db']:+.3f} dB**; LR by {r['lr']}; "
            f"{r['crop_border']} px border cropped."]  # fmt: skip


def markdown(reports: dict[str, dict], data: Path) -> str:
    where = shown(data)
    out = ["# Evaluation of the shipped models", "",
           f"Written by `make eval` (`python -m apps eval`) on `{where}/`: photographs that no shipped model "
           "trained on (see `assets/eval/LICENSES.md`; `make photos` keeps them and their near-duplicates out of "
           "the training set). Each section is the app's own `eval` on that folder; the JSON beside this file "
           "holds every per-image score.", ""]  # fmt: skip
    for key, r in reports.items():
        app = key.split("-", 1)[0]
        out += [f"## {key}", "", f"`python -m apps.{app} eval {where} --model {r['model']}` "
                f"({r['images']} images, {r.get('seconds', 0):.0f} s on this machine)", ""]  # fmt: skip
        out += {"colorizer": _colorizer, "inpainter": _inpainter, "superres": _superres}[app](r)
        if "sheet" in r:
            out += ["", f"![{key}]({r['sheet']})"]
        if r.get("failed"):
            out += ["", f"Could not be read: {', '.join(r['failed'])}"]
        out.append("")
    return "\n".join(out)
