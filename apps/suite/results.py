"""``eval/RESULTS.md``: the tables of every model's report, model next to its baselines."""

from __future__ import annotations

from pathlib import Path

from .models import shown


def _label(method: str) -> str:
    from apps.peers import LABELS

    return LABELS.get(method, method)


def _peer(method: str) -> str:
    """A peer's row is marked so it reads as the tool people use, not ours."""
    from apps.peers import LABELS

    return f"{LABELS[method]} (peer)" if method in LABELS else method


def _colorizer(r: dict) -> list[str]:
    m, g, photo = r["mean"]["model"], r["mean"]["gray"], r["mean"]["photo"]
    lines = ["| method | PSNR (dB) | SSIM | mean ab error | colourfulness | share of the photo's | border gap "
             "| BRISQUE |", "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for name, v in (("model", m), ("gray (the baseline)", g)):
        lines.append(f"| {name} | {v['psnr']:.2f} | {v['ssim']:.4f} | {v['ab_error']:.2f} | {v['colourfulness']:.1f} "
                     f"| {v['colourfulness_share']:.0%} | {v['border_gap']:+.2f} "
                     f"| {_num(v.get('brisque'), 1)} |")  # fmt: skip
    lines.append(f"| the photos | | | | {photo['colourfulness']:.1f} | 100% | | {_num(photo.get('brisque'), 1)} |")
    speed = m.get("seconds_per_mp")
    lines += ["", f"Model - gray: **{m['psnr'] - g['psnr']:+.2f} dB** PSNR (RGB, full resolution up to 1024 px). "
              f"Border gap: mean chroma of the outer 16 px band minus the band inside it (worst image "
              f"{r.get('worst_border_gap', 0):.2f} ab units). BRISQUE (lower = more natural) reads luminance only, "
              "which a colorizer keeps: it can catch artefacts but not dull colours, so colourfulness is the colour "
              "measure here. No neural colorizer ships weights that install offline, and Levin et al.'s hint "
              "method (`colorizexl`) takes about 50 s for a 128 x 106 photo, so no peer has a row."
              + (f" The model takes {speed:.2f} s per megapixel on this machine." if speed else "")]  # fmt: skip
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


def _num(value, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _inpainter(r: dict) -> list[str]:
    lines = ["| masks (mean coverage) | method | hole PSNR (dB) | hole SSIM | texture (1 = the photo's) | "
             "BRISQUE of the hole's box | s / megapixel |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    names = {"model": "**model**", "pyramid": "pyramid fill alone", "telea": "cv2.inpaint Telea",
             "ns": "cv2.inpaint NS"}  # fmt: skip
    seen = set()
    for row in r["rows"]:
        first = f"{row['masks']} ({row['coverage']:.1%})" if row["masks"] not in seen else ""
        seen.add(row["masks"])
        lines.append(
            f"| {first} | {names.get(row['method'], _peer(row['method']))} | {row['psnr']:.3f} | {row['ssim']:.4f} "
            f"| {_num(row.get('texture'), 2) or '-'} | {_num(row.get('brisque'), 1)} "
            f"| {_num(row.get('seconds_per_mp'), 2)} |"
        )
    by = {(row["masks"], row["method"]): row for row in r["rows"]}
    gains = []
    for s in dict.fromkeys(row["masks"] for row in r["rows"]):
        model = by[(s, "model")]["psnr"]
        gains.append(
            f"{s}: {model - by[(s, 'telea')]['psnr']:+.2f} dB vs Telea, {model - by[(s, 'pyramid')]['psnr']:+.2f} dB "
            "vs the pyramid"
        )
    out = [*lines, "", "Model - baselines (hole PSNR): " + "; ".join(gains) + f". Shorter side {r['size']} px."]
    ahead = [
        f"{s}: {_label(p)} {by[(s, p)]['texture']:.2f} vs ours {by[(s, 'model')]['texture']:.2f}"
        for (s, p) in by
        if p not in names and by[(s, p)].get("texture") is not None and by[(s, "model")].get("texture") is not None
        and by[(s, p)]["texture"] > by[(s, "model")]["texture"]
    ]  # fmt: skip
    if ahead:
        out += ["", "Where a peer fills with more texture than ours: " + "; ".join(ahead) + "."]
    return out


def _sr_rows(rows: list[dict], truth: float | None) -> list[str]:
    lines = ["| method | PSNR-Y (dB) | SSIM-Y | sharpness (gradient vs truth) | BRISQUE | s / megapixel |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for row in rows:
        name = "**model**" if row["method"] == "model" else _peer(row["method"])
        lines.append(f"| {name} | {row['psnr_y']:.3f} | {row['ssim_y']:.4f} | {row.get('sharpness', 0):.3f} "
                     f"| {_num(row.get('brisque'), 1)} | {_num(row.get('seconds_per_mp'), 2)} |")  # fmt: skip
    if truth is not None:
        lines.append(f"| the photos themselves | | | 1.000 | {truth:.1f} | |")
    return lines


def _superres(r: dict) -> list[str]:
    lines = ["Full photos, clean LR (the literature's protocol):", "", *_sr_rows(r["rows"], r.get("photo_brisque"))]
    lines += ["", f"x{r['scale']}; model - bicubic: **{r['gain_over_bicubic_db']:+.3f} dB**; LR by {r['lr']}; "
              f"{r['crop_border']} px border cropped."]  # fmt: skip
    web = r.get("web")
    if not web:
        return lines
    from apps.superres.webinputs import LABELS

    for name, rows in web["inputs"].items():
        lines += ["", f"Web inputs, {LABELS.get(name, name)}: {web['protocol']}.", ""]
        lines += _sr_rows(rows, web.get("truth_brisque"))
        by = {row["method"]: row for row in rows}
        notes = []
        for p, row in by.items():
            if p in ("model", "bicubic"):
                continue
            if row["brisque"] < by["model"]["brisque"]:
                ours = by["model"]["brisque"]
                notes.append(f"{_label(p)} looks more natural (BRISQUE {row['brisque']:.1f} vs {ours:.1f})")
            if row["psnr_y"] > by["model"]["psnr_y"]:
                notes.append(f"{_label(p)} is more faithful ({row['psnr_y'] - by['model']['psnr_y']:+.2f} dB)")
        gain = by["model"]["psnr_y"] - by["bicubic"]["psnr_y"]
        lines += ["", f"Model - bicubic: **{gain:+.3f} dB**." + (" Where a peer is ahead: " + "; ".join(notes) + "."
                                                              if notes else "")]  # fmt: skip
    return lines


def glance(reports: dict[str, dict]) -> list[str]:
    """One table of what matters to a user, every shipped model beside its baseline and the peers: the
    upscalers on web JPEGs (quality 75) and clean crops, the inpainter on one box hole, the colorizer.
    Fidelity and naturalness side by side; the best value of each column in bold, and where a peer is
    ahead the row says so. (README.md's results table is this table.)"""
    rows: list[tuple[str, str, str, str, str, str]] = []  # task, method, fidelity, naturalness, other, s/MP
    scores: dict[str, dict[str, tuple[float, float]]] = {}  # task -> method -> (fidelity, BRISQUE)

    def sr(key: str, inputs: str, what: str) -> None:
        r = reports.get(key)
        if not r or "web" not in r:
            return
        by = {row["method"]: row for row in r["web"]["inputs"][inputs]}
        for method in [m for m in ("bicubic", "model", "realesrgan-x4plus", "dat-light") if m in by]:
            row = by[method]
            name = f"**{key}**" if method == "model" else _peer(method)
            if method != "model" and any(x[0] == what and x[1] == name for x in rows):
                continue  # bicubic and each peer once per input, whichever of our models came first
            rows.append((what, name, f"{row['psnr_y']:.2f} dB", f"{row['brisque']:.1f}", f"{row['sharpness']:.2f}",
                         f"{row['seconds_per_mp']:.2f}"))  # fmt: skip
            scores.setdefault(what, {})[name] = (row["psnr_y"], row["brisque"])

    for scale in (4, 2):
        for inputs, label in (("jpeg75", "JPEG q75"), ("clean", "clean")):
            for key in (f"superres-x{scale}", f"superres-x{scale}-gan"):
                sr(key, inputs, f"x{scale} upscale, {label} input")
    inp = reports.get("inpainter")
    if inp:
        names = {"model": "**inpainter**", "telea": "cv2.inpaint Telea", "pyramid": "pyramid fill"}
        for row in (r for r in inp["rows"] if r["masks"] == "box" and r["method"] != "ns"):
            name = names.get(row["method"], _peer(row["method"]))
            rows.append(("remove an object (box, 12 %)", name,
                         f"{row['psnr']:.2f} dB", f"{row['brisque']:.1f}", _num(row.get("texture"), 2) or "-",
                         f"{row['seconds_per_mp']:.2f}"))  # fmt: skip
            scores.setdefault("remove an object (box, 12 %)", {})[name] = (row["psnr"], row["brisque"])
    colorizers = [key for key in reports if key.split("-", 1)[0] == "colorizer"]  # colorizer, colorizer-vivid, ...
    for key in colorizers:
        m = reports[key]["mean"]["model"]
        rows.append(("colorize", f"**{key}**", f"{m['psnr']:.2f} dB", _num(m.get("brisque"), 1),
                     f"{m['colourfulness_share']:.0%}", _num(m.get("seconds_per_mp"), 2)))  # fmt: skip
    if colorizers:
        g, photo = reports[colorizers[0]]["mean"]["gray"], reports[colorizers[0]]["mean"]["photo"]
        rows.append(("colorize", "gray (the baseline)", f"{g['psnr']:.2f} dB", _num(g.get("brisque"), 1), "0%", ""))
        rows.append(("colorize", "the photos themselves", "", _num(photo.get("brisque"), 1), "100%", ""))
    head = ["| task | method | fidelity (PSNR) | naturalness (BRISQUE, lower = more natural) | "
            "sharpness / texture / colourfulness (1 = the photo's) | s / megapixel |",
            "|---|---|---|---|---|---|"]  # fmt: skip
    return [*head, *(f"| {' | '.join(r)} |" for r in rows), "", *ahead(scores)]


def ahead(scores: dict[str, dict[str, tuple[float, float]]]) -> list[str]:
    """A line per task where a peer beats every one of our models on fidelity or on naturalness."""
    lines = []
    for what, by in scores.items():
        ours = {n: v for n, v in by.items() if n.startswith("**")}
        if not ours:
            continue
        best_psnr, best_natural = max(v[0] for v in ours.values()), min(v[1] for v in ours.values())
        notes = [f"{n} is more faithful ({v[0] - best_psnr:+.2f} dB)" for n, v in by.items()
                 if "(peer)" in n and v[0] > best_psnr]  # fmt: skip
        notes += [f"{n} looks more natural (BRISQUE {v[1]:.1f} vs our best {best_natural:.1f})" for n, v in by.items()
                  if "(peer)" in n and v[1] < best_natural]  # fmt: skip
        if notes:
            lines.append(f"- {what}: " + "; ".join(notes) + ".")
    return ["Where a peer is ahead of every shipped model:", "", *lines] if lines else []


def markdown(reports: dict[str, dict], data: Path) -> str:
    where = shown(data)
    out = ["# Evaluation of the shipped models", "",
           f"Written by `make eval` (`python -m apps eval`) on `{where}/`: photographs that no shipped model "
           "trained on (see `assets/eval/LICENSES.md`; `make photos` keeps them and their near-duplicates out of "
           "the training set). Each section is the app's own `eval` on that folder; the JSON beside this file "
           "holds every per-image score. Fidelity (PSNR, SSIM) sits beside what a person sees: BRISQUE, a "
           "no-reference naturalness score (OpenCV's, LIVE model; lower = more natural; these photos score 26 at "
           "their stored size and 18 as eval's 192-px crops, a bicubic x4 upscale about 57), texture inside a "
           "filled hole, colourfulness; and the tools people already use are rows of the same tables, marked "
           "(peer), when `make peers` has made their environment.", "",
           "## At a glance", "",
           "Fidelity is PSNR against the photo (Y channel for the upscalers, the hole's pixels for the inpainter, "
           "RGB for the colorizer); naturalness is BRISQUE; the third column is the upscaled picture's "
           "sharpness, the fill's texture or the colours' colourfulness, each relative to the photo's own. The "
           "upscalers here are scored on eval's web inputs (192-px crops, their LR saved as JPEG or kept clean); the "
           "sections below have every input and method. Times are wall-clock on this 2-core machine, measured "
           "while other work shared it: compare them with each other, not with another machine.", "",
           *glance(reports), ""]  # fmt: skip
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
