"""The sweep: every loss x penalty x trainer combination on one 2-D dataset, a CSV row and a PNG each.

Each run is the base config with ``loss``, ``penalty`` and ``trainer`` replaced:

* ``trainer``: the base trainer's optimiser options (learning rates, betas, schedule) carried over;
  ``curriculum`` trains D twice per G step for the first half (``d_nb_update: 2``), then once;
* ``loss: began`` appends a decoder to D (``linear 64, relu, linear 2``): D becomes an autoencoder
  of the points through D's 1-unit output as its code (a wider code would learn the identity);
* a run that fails (a config error, a crash, non-finite losses) is a row with ``error`` /
  ``diverged`` set; the sweep goes on.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..config import config_from_dict
from ..errors import UserError
from ..trainers.optim import OptimOptions
from .plot import save_plot
from .run import train_toy

COLUMNS = (
    "dataset",
    "loss",
    "penalty",
    "trainer",
    "modes",
    "modes_total",
    "quality",
    "nn_data_to_gen",
    "nn_gen_to_data",
    "nn_acc_real",
    "nn_acc_fake",
    "seconds_per_1000",
    "steps",
    "diverged",
    "passed",
    "error",
)


def _optim_keys() -> set[str]:
    keys = set()
    for f in dataclasses.fields(OptimOptions):
        keys.add(f.name)
        keys.update(f.metadata.get("aliases", ()))
    return keys


def combo_config(base: dict[str, Any], loss: str, penalty: str, trainer: str, steps: int) -> dict[str, Any]:
    """The base config (parsed JSON) with one loss, penalty and trainer."""
    d = copy.deepcopy(base)
    d["loss"] = {"type": loss}
    d["penalty"] = [] if penalty == "none" else {"type": penalty}
    optim = {k: v for k, v in dict(base.get("trainer", {})).items() if k in _optim_keys()}
    if trainer == "curriculum":
        d["trainer"] = {
            "type": "curriculum",
            "stages": [
                {"start": 0, "trainer": {"type": "alternating", **optim, "d_nb_update": 2}},
                {"start": max(1, steps // 2), "trainer": {"type": "alternating", **optim}},
            ],
        }
    else:
        d["trainer"] = {"type": trainer, **optim}
    if loss in ("began", "boundary_equilibrium"):
        layers = list(d["discriminator"]["layers"])
        d["discriminator"] = {**d["discriminator"], "layers": [*layers, "linear 64", "relu", "linear 2"]}
    d.setdefault("train", {})["steps"] = steps
    return d


def run_combo(base: dict, loss: str, penalty: str, trainer: str, steps: int, png: Path | None) -> dict[str, Any]:
    """Train and measure one combination; a CSV row (never raises for a failed run)."""
    row: dict[str, Any] = {"dataset": base["task"].get("dataset", "ring"), "loss": loss, "penalty": penalty}
    row.update(trainer=trainer, error="")
    try:
        cfg = config_from_dict(combo_config(base, loss, penalty, trainer, steps))
        run = train_toy(cfg, steps)
    except UserError as err:
        return {**row, "error": str(err).replace("\n", " ")}
    except Exception as err:  # a crash in one combination must not end the sweep
        last = traceback.format_exception_only(type(err), err)[-1].strip()
        return {**row, "error": last}
    m = run.measure
    row.update(m.as_dict())
    row.update(
        seconds_per_1000=round(run.seconds_per_1000, 2),
        steps=run.steps,
        diverged=run.diverged,
        passed=m.passed() and not run.diverged,
    )
    for k in ("quality", "nn_data_to_gen", "nn_gen_to_data", "nn_acc_real", "nn_acc_fake"):
        row[k] = round(row[k], 4)
    if png is not None:
        save_plot(run, png, f"{loss} + {penalty} + {trainer}: {m.modes}/{m.modes_total} modes, quality {m.quality:.2f}")
    return row


def sweep(
    base: dict,
    losses: Sequence[str],
    penalties: Sequence[str],
    trainers: Sequence[str],
    steps: int,
    out: Path,
    pngs: bool = True,
    report: Callable[[dict], None] = lambda row: None,
) -> list[dict[str, Any]]:
    """Run every combination; writes ``out/results.csv``, ``out/table.md`` and ``out/png/*.png``."""
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    with open(out / "results.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        for loss in losses:
            for penalty in penalties:
                for trainer in trainers:
                    png = out / "png" / f"{loss}-{penalty}-{trainer}.png" if pngs else None
                    row = run_combo(base, loss, penalty, trainer, steps, png)
                    writer.writerow({k: row.get(k, "") for k in COLUMNS})
                    f.flush()
                    rows.append(row)
                    report(row)
    (out / "table.md").write_text(markdown_table(rows))
    return rows


def markdown_table(rows: Sequence[dict]) -> str:
    """The results as a Markdown table: modes, quality, seconds per 1000 steps."""
    lines = [
        "| loss | penalty | trainer | modes | quality | NN dist data->G / G->data | s / 1000 steps |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if r.get("error"):
            lines.append(f"| {r['loss']} | {r['penalty']} | {r['trainer']} | error | | | |")
            continue
        flag = " (diverged)" if r["diverged"] else ""
        lines.append(
            f"| {r['loss']} | {r['penalty']} | {r['trainer']} | {r['modes']}/{r['modes_total']}{flag} | "
            f"{r['quality']:.2f} | {r['nn_data_to_gen']:.3f} / {r['nn_gen_to_data']:.3f} | "
            f"{r['seconds_per_1000']:.1f} |"
        )
    return "\n".join(lines) + "\n"
