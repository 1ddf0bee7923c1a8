"""The end of a run with held-out photos: ``report.json``, a comparison sheet and one plain sentence.

``report.json`` holds ``validation`` (the held-out photos, relative to the data folder), ``scores``
(``baseline``, ``start``, ``best``, ``last`` and, when it could be scored on the same crops, ``shipped``:
each the task's measures by name), ``headline`` (the measure the rule used), ``better`` (``"higher"`` or
``"lower"``: which way it is better) and ``rule``, ``best_step``,
``kept`` (``"start"`` or ``"step N"``: what ``generator.safetensors`` holds), ``history`` (every check)
and ``verdict``. ``report.png``: a few held-out crops as input | baseline | start | kept model | truth.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from ..data.split import NOISE_DB, WARN, relative_name
from ..data.split import photos as count
from .samples import save_grid
from .watch import Watch

if TYPE_CHECKING:
    from ..config import Config
    from ..data.split import Split

UNITS = {"psnr": "dB", "psnr_y": "dB", "hole_psnr": "dB", "vivid_psnr": "dB", "textured_psnr": "dB"}
ROWS = 4  # crops on the sheet


def _fmt(measure: str, value: float, signed: bool = False) -> str:
    unit = UNITS.get(measure)
    number = f"{value:+.2f}" if signed else f"{value:.2f}"
    return f"{number} {unit}" if unit else number


def verdict(watch: Watch, start_name: str, photos: int) -> str:
    """One sentence: did the kept model beat what the user had (the shipped model, or the start)?"""
    m = watch.measure
    if watch.start is None:
        return "no held-out photos: the last model is kept, unchecked"
    if watch.best is None:
        return f"no check after the start gave a {m} (the run stopped first); {start_name}'s weights are kept"
    if not getattr(watch, "start_is_model", True) and not watch.reference:
        return (f"kept step {watch.best_step} ({m} {_fmt(m, watch.best[m])}); the start was no finished model (some "
                "of its layers started fresh), so there was nothing to compare with")  # fmt: skip
    against, name = (watch.reference, "the shipped model") if watch.reference else (watch.start, start_name)
    gain = watch.best[m] - against[m] if watch.rule.higher else against[m] - watch.best[m]
    on = f"on your {count(photos, 'held-out')}"
    if watch.best_step == 0:
        return (f"did not beat {start_name} {on} (its {m} {_fmt(m, watch.start[m])}; no later check was better); "
                f"kept it")  # fmt: skip
    if gain > 0 and m not in UNITS:  # a score without a unit: both values, and which way is better
        return (f"beats {name} {on}: {m} {_fmt(m, watch.best[m])} against {_fmt(m, against[m])} "
                f"({watch.rule.direction} is better; step {watch.best_step})")  # fmt: skip
    if gain > 0:
        said = f"beats {name} {on} by {_fmt(m, gain, signed=True)} ({m} {_fmt(m, watch.best[m])}, "
        said += f"step {watch.best_step})"
        if photos < WARN and UNITS.get(m) == "dB" and gain < NOISE_DB:
            said += f", less than a score on so few photos can tell apart (~{NOISE_DB:g} dB)"
        return said
    return (f"did not beat {name} {on} ({m} {_fmt(m, watch.best[m])} at best, step {watch.best_step}, against "
            f"{_fmt(m, against[m])}); kept the best step, but {name} is the better model for these photos")  # fmt: skip


def write_report(run_dir: Path, data_dir: Path, val_files: list[Path], watch: Watch, start_name: str) -> dict:
    """``run_dir/report.json`` (returned) from the watch's scores."""

    scores = {"baseline": watch.baseline, "start": watch.start, "best": watch.best, "last": watch.last}
    if watch.reference is not None:
        scores["shipped"] = watch.reference
    report = {
        "validation": [relative_name(p, data_dir) for p in val_files],
        "crops": watch.validator.crops,
        "scores": scores,
        "headline": watch.measure,
        "better": watch.rule.direction,
        "rule": watch.rule.describe(),
        "start": start_name,
        "best_step": watch.best_step,
        "last_step": watch.last_step,
        "kept": "start" if watch.best_step in (0, None) else f"step {watch.best_step}",
        "history": watch.history,
        "verdict": verdict(watch, start_name, len(val_files)),
    }
    (run_dir / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


@torch.no_grad()
def write_sheet(path: Path, watch: Watch, task, start_gen=None, kept_gen=None) -> None:
    """input | baseline | start | kept model | truth for the first held-out crops (a column is left out
    when its model is not given)."""
    v = watch.validator
    n = min(ROWS, v.crops)
    cond, target = v.pair.condition[:n], v.pair.target[:n]
    columns = [task.condition_rgb(cond)]
    make = getattr(task, "validation_baseline", None)
    if make is not None:
        columns.append(task.to_rgb(cond, make(cond)))
    for gen in (start_gen, kept_gen):
        if gen is not None:
            columns.append(task.to_rgb(cond, v.loaded_outputs(task, gen)[:n]))
    columns.append(task.to_rgb(cond, target))
    save_grid([c.float().cpu() for c in columns], path)


def finish(run_dir: Path, data_dir: Path, split: Split, watch: Watch, task, cfg: Config, reference) -> None:
    """``report.json``, ``report.png`` and the verdict, printed."""
    from ..inference import load_generator
    from .plan import start_name

    name = start_name(cfg, reference)
    if not watch.start_is_model:
        name += " (some layers started fresh)"
    report = write_report(run_dir, data_dir, split.val, watch, name)
    kept = load_generator(run_dir / "generator.safetensors", watch.validator.device)[1]
    start = None
    if cfg.train.init_generator:
        start = load_generator(cfg.train.init_generator, watch.validator.device)[1]
    write_sheet(run_dir / "report.png", watch, task, start, kept)
    m = report["headline"]
    rows = [("baseline", watch.baseline), ("start", watch.start), ("best", watch.best)]
    if watch.reference is not None:
        rows.append(("shipped", watch.reference))
    print(f"held-out photos ({len(split.val)}, {watch.validator.crops} crops), {m}: "
          + ", ".join(f"{k} {v[m]:.3f}" for k, v in rows if v))  # fmt: skip
    others = [k for k in watch.start or {} if k != m]
    if watch.best_step and others:  # what the rule did not look at, so a trade is seen (PSNR for colour)
        print("the other measures, start -> kept: "
              + ", ".join(f"{k} {watch.start[k]:.3f} -> {watch.best[k]:.3f}" for k in others))  # fmt: skip
    print(f"verdict: {report['verdict']}")
    print(f"kept: {report['kept']} -> {run_dir / 'generator.safetensors'} (the last: generator-last.safetensors); "
          f"report: {run_dir / 'report.json'}, {run_dir / 'report.png'}")  # fmt: skip
