"""``python -m gancore.toy2d``: the 2-D benchmark (HyperGAN's 2d-test / 2d-measure).

    python -m gancore.toy2d train configs/toy2d/standard.json [--dataset ring] [--steps N] [--png out.png]
    python -m gancore.toy2d sweep [--config C] [--losses all|a,b] [--penalties none,gradient_penalty]
                                  [--trainers all|a,b] [--steps N] [--out DIR] [--no-png]

``train`` prints the measures (modes covered, high-quality share, nearest-neighbour measures both
ways, seconds per 1000 steps). ``sweep`` writes ``results.csv``, ``table.md`` and one PNG per run.
Mistakes are one line (``error: ...``, exit status 2).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import torch

from ..config import config_from_dict, config_to_dict, load_config
from ..errors import UserError
from ..losses import LOSSES
from ..penalties import PENALTIES
from ..trainers import TRAINERS
from .datasets import NAMES
from .plot import save_plot
from .run import train_toy
from .sweep import sweep

DEFAULT_CONFIG = Path("configs/toy2d/standard.json")
# one name per loss / trainer in the sweep's "all" (aliases left out)
ALL_LOSSES = (
    "standard", "minimax", "logistic", "least_squares", "wasserstein", "hinge", "ragan", "qp", "kl", "reverse_kl",
    "js", "pearson", "squared_hellinger", "total_variation", "began",
)  # fmt: skip
ALL_TRAINERS = ("alternating", "simultaneous", "consensus", "balanced", "curriculum", "fitness", "gang")
ALL_PENALTIES = (
    "none", "gradient_penalty", "GP_L1_LS", "GP_Linf_LS", "gradient_penalty_hinge", "GP_L1_Hinge", "GP_Linf_Hinge",
    "gradient_penalty_max", "zero_centered", "r1", "r2", "clamp",
)  # fmt: skip


def _names(text: str, everything: Sequence[str], registry, what: str) -> list[str]:
    names = list(everything) if text == "all" else [n.strip() for n in text.split(",") if n.strip()]
    for n in names:
        if n not in registry:
            raise UserError(f"unknown {what} '{n}' (valid: {', '.join(registry.names())})")
    return names


def _base(path: Path, dataset: str | None, seed: int | None) -> dict:
    cfg = load_config(path)
    if cfg.task.type != "toy2d":
        raise UserError(f"{path} is a config for the {cfg.task.type} task; the 2-D benchmark needs task toy2d")
    d = config_to_dict(cfg)
    if dataset:
        d["task"]["dataset"] = dataset
    if seed is not None:
        d["train"]["seed"] = seed
    return d


def _train(a: argparse.Namespace) -> int:
    cfg = config_from_dict(_base(a.config, a.dataset, a.seed))
    run = train_toy(cfg, a.steps)
    m = run.measure
    print(json.dumps({**m.as_dict(), "seconds_per_1000": round(run.seconds_per_1000, 2), "steps": run.steps}))
    verdict = "pass" if m.passed() and not run.diverged else "fail"
    print(
        f"{verdict}: {m.modes}/{m.modes_total} modes, {m.quality:.1%} high-quality samples, "
        f"NN distance data->G {m.nn_data_to_gen:.3f} G->data {m.nn_gen_to_data:.3f}, "
        f"1-NN accuracy real {m.nn_acc_real:.2f} fake {m.nn_acc_fake:.2f}" + (" (diverged)" if run.diverged else "")
    )
    if a.png:
        save_plot(run, a.png, f"{a.config.name}: {m.modes}/{m.modes_total} modes, quality {m.quality:.2f}")
        print(f"wrote {a.png}")
    return 0


def _sweep(a: argparse.Namespace) -> int:
    base = _base(a.config, a.dataset, a.seed)
    losses = _names(a.losses, ALL_LOSSES, LOSSES, "loss")
    penalties = _names(a.penalties, ALL_PENALTIES, PENALTIES, "penalty")
    trainers = _names(a.trainers, ALL_TRAINERS, TRAINERS, "trainer")
    steps = a.steps or base["train"]["steps"]
    out = a.out or Path("runs") / f"toy2d-sweep-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    total = len(losses) * len(penalties) * len(trainers)
    print(f"{total} runs of {steps} steps -> {out}", flush=True)

    def report(row: dict) -> None:
        what = f"{row['loss']} + {row['penalty']} + {row['trainer']}"
        if row.get("error"):
            print(f"{what}: error: {row['error']}", flush=True)
        else:
            print(f"{what}: {row['modes']}/{row['modes_total']} modes, quality {row['quality']:.2f}", flush=True)

    rows = sweep(base, losses, penalties, trainers, steps, out, pngs=not a.no_png, report=report)
    print((out / "table.md").read_text())
    print(f"{sum(bool(r.get('passed')) for r in rows)}/{len(rows)} runs passed; wrote {out / 'results.csv'}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m gancore.toy2d", description="the 2-D GAN benchmark")
    sub = p.add_subparsers(dest="verb", required=True, metavar="VERB")
    tr = sub.add_parser("train", help="train one config and print its measures")
    tr.add_argument("config", type=Path, help="a toy2d config, e.g. configs/toy2d/standard.json")
    sw = sub.add_parser("sweep", help="losses x penalties x trainers: results.csv, table.md, a PNG per run")
    sw.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help=f"base config (default {DEFAULT_CONFIG})")
    sw.add_argument("--losses", default="all", help="comma-separated, or all")
    sw.add_argument("--penalties", default="none", help="comma-separated, or all (default none)")
    sw.add_argument("--trainers", default="all", help="comma-separated, or all")
    sw.add_argument("--out", type=Path, help="output folder (default runs/toy2d-sweep-YYYYmmdd-HHMMSS)")
    sw.add_argument("--no-png", action="store_true", help="skip the per-run PNGs")
    for sp in (tr, sw):
        sp.add_argument("--dataset", choices=NAMES, help="override the config's dataset")
        sp.add_argument("--steps", type=int, help="training steps (default: the config's train.steps)")
        sp.add_argument("--seed", type=int, help="override train.seed")
        sp.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1: fastest for tiny MLPs)")
    tr.add_argument("--png", type=Path, help="write the contour + losses plot here")
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    try:
        if a.steps is not None and a.steps < 1:
            raise UserError(f"--steps must be at least 1, got {a.steps}")
        return _train(a) if a.verb == "train" else _sweep(a)
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
