"""``python -m apps eval`` (``make eval``): every shipped model against its classical baselines on the
evaluation split (``assets/eval``, photos no model trains on).

For each model under ``assets/models`` it runs that app's own ``eval`` (with the peers' rows when
``make peers`` has made their environment) (the same code and metrics
as ``python -m apps.<app> eval``) with ``--json eval/<model>.json``, then writes
``eval/RESULTS.md`` (every table, with the command) and ``eval/results.json`` (all reports in one
file), and a comparison sheet per model, ``eval/sheets/<model>.png``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path

from apps import peers
from apps.evaloptions import add_peers_argument
from gancore.data import iter_rgb, require_images
from gancore.errors import UserError

from .models import EVAL_SPLIT, ROOT, Shipped, shipped, shown
from .results import markdown
from .sheets import SHEET_PHOTOS, colorizer_sheet, inpainter_sheet, superres_sheet


def app_args(model: Shipped, json_path: Path, device: str) -> argparse.Namespace:
    """The namespace the app's ``eval`` verb would get from its own command line (its defaults)."""
    parser = argparse.ArgumentParser()
    module = importlib.import_module(f"apps.{model.app}.evaluate")
    if hasattr(module, "add_eval_arguments"):
        module.add_eval_arguments(parser)
    args = parser.parse_args([])
    for key, value in model.options.items():
        setattr(args, key, value)
    args.json, args.device = json_path, device
    return args


def sheet(model: Shipped, data: Path, device: str, use_peers: bool = True):
    """The comparison sheet of one model (a PIL image) on the sheet photos found in ``data``."""
    from gancore.inference import load_generator

    files = [data / name for name in SHEET_PHOTOS if (data / name).exists()]
    photos = [(p.name, rgb) for p, rgb in iter_rgb(files, [])]
    if not photos:
        return None
    if model.app == "superres":
        from apps.superres.infer import Upscaler

        base = model.path.with_name(model.path.stem.removesuffix("-gan") + model.path.suffix)  # its PSNR model
        psnr = Upscaler.load(base, device) if base != model.path and base.exists() else None
        return superres_sheet(Upscaler.load(model.path, device), photos, psnr=psnr, use_peers=use_peers)
    task, gen, cfg = load_generator(model.path, device)
    if model.app == "colorizer":
        return colorizer_sheet(gen, cfg.data.size, photos, device, task.channels)
    return inpainter_sheet(task, gen, photos, device, use_peers=use_peers)


def run(data: Path, out: Path, device: str = "cpu", only: list[str] | None = None, use_peers: str = "auto") -> int:
    """Score every shipped model on ``data``; write the reports under ``out``. Exit status 1 if any failed."""
    require_images(data)
    models = [m for m in shipped() if not only or m.key in only]
    if not models:
        raise UserError(f"no shipped model matches {only}" if only else "no shipped model under assets/models")
    (out / "sheets").mkdir(parents=True, exist_ok=True)
    reports, status = {}, 0
    for model in models:
        started = time.monotonic()
        print(f"== {model.key} ({model.path.relative_to(ROOT)})", flush=True)
        json_path = out / f"{model.key}.json"
        module = importlib.import_module(f"apps.{model.app}.evaluate")
        args = app_args(model, json_path, device)
        args.peers = use_peers
        status |= module.evaluate(model.path, data, args)
        report = json.loads(json_path.read_text())
        report["model"], report["data"] = shown(model.path), shown(data)  # no machine-specific paths
        image = sheet(model, data, device, use_peers != "none")
        if image is not None:
            image.save(out / "sheets" / f"{model.key}.png", optimize=True)
            report["sheet"] = f"sheets/{model.key}.png"
        report["seconds"] = round(time.monotonic() - started, 1)
        reports[model.key] = report
        json_path.write_text(json.dumps(report, indent=2) + "\n")
    if only:  # the other models keep their reports from an earlier run on the same data
        reports = merged(out / "results.json", reports, data, [m.key for m in shipped()])
    (out / "results.json").write_text(json.dumps(reports, indent=2) + "\n")
    (out / "RESULTS.md").write_text(markdown(reports, data))
    print(f"wrote {out / 'RESULTS.md'}, {out / 'results.json'} and {len(reports)} sheets in {out / 'sheets'}")
    return status


def merged(path: Path, fresh: dict[str, dict], data: Path, order: list[str]) -> dict[str, dict]:
    """``fresh`` reports over those in ``path`` (an earlier ``results.json``) that were scored on the
    same ``data`` and are still shipped, in the shipped order."""
    try:
        earlier = json.loads(path.read_text()) if path.is_file() else {}
    except ValueError:
        earlier = {}
    kept = {k: r for k, r in earlier.items() if isinstance(r, dict) and r.get("data") == shown(data)}
    both = {**kept, **fresh}
    return {k: both[k] for k in order if k in both}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m apps eval", description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=EVAL_SPLIT, help="evaluation photos (default assets/eval)")
    p.add_argument("--out", type=Path, default=ROOT / "eval", help="where the reports go (default eval/)")
    p.add_argument(
        "--model",
        action="append",
        metavar="KEY",
        help="only this shipped model (e.g. superres-x4); the others keep their sections from the last run",
    )
    p.add_argument("--device", default="cpu")
    add_peers_argument(p)
    args = p.parse_args(argv)
    if args.peers == "auto" and not peers.available():
        print(peers.missing_line(), file=sys.stderr)
    try:
        return run(args.data, args.out, args.device, args.model, args.peers)
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
