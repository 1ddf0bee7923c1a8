"""``make bench``: training and ``run`` throughput of every app's default config, against the model alone.

    .venv/bin/python bench/throughput.py                      # every app, CPU (and CUDA when present)
    .venv/bin/python bench/throughput.py --apps superres --devices cpu --steps 10 --threads 1

For each app (``apps/<name>/__main__.py`` with its ``APP`` and its ``configs/<name>.json``) and
device it measures, each in a fresh process (``measure.py`` says how, exactly):

* train: images/s through ``gancore.engine.train`` on a copy of ``assets/photos`` vs the
  model-only ceiling (the same trainer's ``step()`` on a batch already on the device);
* run: images/s (and input megapixels/s) through ``process_folder`` with the app's processor vs
  the ceiling (its model call on inputs decoded beforehand);
* the ratio of the two, against the issue's targets (train >= 0.85, run >= 0.90), and the peak
  memory of each process (resident memory on the CPU, allocated memory on CUDA).

Prints a table and writes ``bench/results/throughput-<device>.json``. The defaults fit in a few
minutes on 2 CPU cores: a handful of training steps at batch 8 at most, and for the upscaler
(x4: about two minutes per 1-megapixel photo on such a CPU) copies of the photos at 160 px.
On the CPU torch gets one thread per core but one (``--threads``): the input pipeline then has a
core of its own, as it has the host beside a GPU. (On a 2-core machine shared with other work,
torch's default of 2 threads ran 4-5x slower than 1: every parallel region waits for the thread
whose core is taken. ``--threads 0`` measures torch's default.)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGETS = {"train": 0.85, "run": 0.90}  # issue 7: the pipeline hides data loading
DEFAULTS = {  # per device type: (timed steps, warm-up steps, run images, largest training batch kept)
    "cpu": (6, 2, 12, 8),
    "cuda": (40, 10, 37, None),
}


# `run` rows for candidate networks beside the shipped model's (untrained: speed does not depend on weights)
CANDIDATES = {"inpainter": ["configs/inpainter-lama.json"]}


def discover_apps(root: Path = ROOT) -> list[str]:
    """Every ``apps/<name>`` with a ``__main__.py`` (its ``APP``), sorted."""
    return sorted(p.parent.name for p in (root / "apps").glob("*/__main__.py"))


def default_config_exists(name: str, root: Path = ROOT) -> bool:
    return (root / "configs" / f"{name}.json").is_file()


def devices() -> list[str]:
    import torch

    return ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]


def ratio(row: dict) -> float:
    """Pipeline throughput over the model-only ceiling (1.0: data handling entirely hidden)."""
    return row["pipeline_ips"] / row["ceiling_ips"] if row.get("ceiling_ips") else 0.0


def finish_row(row: dict) -> dict:
    """Adds ``ratio``, ``target`` and ``meets`` to a measured row."""
    if "error" in row:
        return row
    target = TARGETS[row["phase"]]
    r = ratio(row)
    return {**row, "ratio": round(r, 3), "target": target, "meets": r >= target}


def format_table(rows: list[dict], header: str = "") -> str:
    """One line per (app, phase): setting, pipeline and ceiling images/s, ratio vs target, MP/s, peak MB."""
    cols = ["app", "phase", "setting", "pipeline img/s", "model-only img/s", "ratio", "target", "MP/s", "peak MB"]
    lines = []
    for r in rows:
        if "error" in r:
            lines.append([r["app"], r["phase"], f"not measured: {r['error']}", "", "", "", "", "", ""])
            continue
        mpx = f"{r['pipeline_mpx_s']:.3f}" if "pipeline_mpx_s" in r else ""
        ok = "ok" if r["meets"] else "MISS"
        lines.append(
            [
                r["app"],
                r["phase"],
                r["setting"],
                f"{r['pipeline_ips']:.2f}",
                f"{r['ceiling_ips']:.2f}",
                f"{r['ratio']:.2f}",
                f">= {r['target']:.2f} {ok}",
                mpx,
                f"{r['peak_mb']:.0f}",
            ]
        )
    widths = [max(len(c), *(len(str(line[i])) for line in lines)) if lines else len(c) for i, c in enumerate(cols)]
    out = [header] if header else []
    out.append("  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip())
    out += ["  ".join(str(v).ljust(w) for v, w in zip(line, widths)).rstrip() for line in lines]
    return "\n".join(out)


def markdown_table(rows: list[dict]) -> str:
    """The same table in Markdown, for the README."""
    head = "| app | phase | setting | pipeline img/s | model-only img/s | ratio (target) | MP/s | peak MB |"
    out = [head, "|" + "---|" * 8]
    for r in rows:
        if "error" in r:
            out.append(f"| {r['app']} | {r['phase']} | not measured: {r['error']} | | | | | |")
            continue
        mpx = f"{r['pipeline_mpx_s']:.3f}" if "pipeline_mpx_s" in r else ""
        verdict = "" if r["meets"] else " **miss**"
        out.append(
            f"| {r['app']} | {r['phase']} | {r['setting']} | {r['pipeline_ips']:.2f} | {r['ceiling_ips']:.2f} "
            f"| {r['ratio']:.2f} (>= {r['target']:.2f}){verdict} | {mpx} | {r['peak_mb']:.0f} |"
        )
    return "\n".join(out)


def write_results(path: Path, device: str, rows: list[dict], meta: dict) -> None:
    """``{"device", ...meta, "rows": [...]}`` as JSON, written atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps({"device": device, **meta, "rows": rows}, indent=2) + "\n")
    os.replace(tmp, path)


def device_name(device: str) -> str:
    if device == "cuda":
        import torch

        return torch.cuda.get_device_name(0)
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores"


def child(a: argparse.Namespace) -> int:
    """Measure one (app, phase, device) in this process and write the row as JSON to ``a.result``."""
    import torch

    from bench.measure import Options, measure_run, measure_train

    if a.threads:
        torch.set_num_threads(a.threads)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        opts = Options(
            a.steps,
            a.warmup,
            a.batch,
            a.batch_cap,
            a.workers,
            a.threads,
            a.run_images,
            a.run_side,
            Path(tmp),
            Path(a.config) if a.config else None,
        )
        measure = measure_train if a.phase == "train" else measure_run
        row = measure(a.app, a.device, opts)
    Path(a.result).write_text(json.dumps(row))
    return 0


def threads_for(device: str, a: argparse.Namespace) -> int | None:
    """torch's intra-op threads: ``--threads``, else on the CPU one per core but one, so the input
    pipeline (DataLoader workers, ``run``'s reader and writer threads) has a core of its own;
    None (torch's default, one per core) for ``--threads 0`` and on CUDA."""
    if a.threads is not None:
        return a.threads or None
    return None if device.startswith("cuda") else max(1, (os.cpu_count() or 2) - 1)


def spawn(app: str, phase: str, device: str, a: argparse.Namespace, config: str | None = None) -> dict:
    """Run one measurement in a fresh process; an error becomes a row that says so. ``config``: `run`
    with that config's untrained network instead of the shipped model (the row's app names it)."""
    name = f"{app} ({Path(config).stem})" if config else app
    steps, warmup, images, cap = DEFAULTS["cuda" if device.startswith("cuda") else "cpu"]
    with tempfile.TemporaryDirectory(prefix="bench-row-") as tmp:
        result = Path(tmp) / "row.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--app", app, "--phase", phase]
        cmd += ["--device", device, "--result", str(result), "--steps", str(a.steps or steps)]
        cmd += ["--warmup", str(a.warmup or warmup), "--run-images", str(a.run_images or images)]
        for flag, value in (("--batch", a.batch), ("--workers", a.workers), ("--threads", threads_for(device, a))):
            if value is not None:
                cmd += [flag, str(value)]
        if a.run_side:
            cmd += ["--run-side", str(a.run_side)]
        if config:
            cmd += ["--config", config]
        if cap and a.batch is None:
            cmd += ["--batch-cap", str(cap)]
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if proc.returncode != 0 or not result.is_file():
            last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            return {"app": name, "phase": phase, "error": last[:200]}
        row = json.loads(result.read_text())
    row["app"] = name
    row["wall_s"] = round(time.perf_counter() - start, 1)
    return finish_row(row)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--apps", nargs="+", help="default: every app with a default config")
    p.add_argument("--devices", nargs="+", help="default: cpu, and cuda when present")
    p.add_argument("--phases", nargs="+", default=["train", "run"], choices=["train", "run"])
    p.add_argument("--steps", type=int, help="timed training steps (default: cpu 6, cuda 40)")
    p.add_argument("--warmup", type=int, help="untimed training steps first (default: cpu 2, cuda 10)")
    p.add_argument("--batch", type=int, help="training batch (default: the config's, at most 8 on the CPU)")
    p.add_argument("--batch-cap", type=int, help=argparse.SUPPRESS)
    p.add_argument("--workers", type=int, help="DataLoader workers (default: the config's)")
    p.add_argument(
        "--threads", type=int, help="torch threads (default on the CPU: cores - 1; 0: torch's, one per core)"
    )
    p.add_argument("--run-images", type=int, help="photos `run` processes (default: cpu 12, cuda 37)")
    p.add_argument("--run-side", type=int, help="their long side in px (default: as shipped; superres 160)")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results", help="folder for throughput-<device>.json")
    # internal: one measurement in this process
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--app", help=argparse.SUPPRESS)
    p.add_argument("--phase", help=argparse.SUPPRESS)
    p.add_argument("--device", help=argparse.SUPPRESS)
    p.add_argument("--result", help=argparse.SUPPRESS)
    p.add_argument("--config", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    a = parse(argv)
    if a.child:
        return child(a)
    import torch

    apps = a.apps or [n for n in discover_apps() if default_config_exists(n)]
    status = 0
    for device in a.devices or devices():
        start = time.perf_counter()
        rows = []
        for app in apps:
            for phase in a.phases:
                print(f"measuring {app} {phase} on {device} ...", file=sys.stderr, flush=True)
                rows.append(spawn(app, phase, device, a))
            for config in CANDIDATES.get(app, []) if "run" in a.phases else []:
                print(f"measuring {app} run with {config} on {device} ...", file=sys.stderr, flush=True)
                rows.append(spawn(app, "run", device, a, config))
        meta = {
            "device_name": device_name(device),
            "torch": torch.__version__,
            "threads": threads_for(device, a) or torch.get_num_threads(),
            "date": time.strftime("%Y-%m-%d %H:%M"),
            "seconds": round(time.perf_counter() - start, 1),
            "command": " ".join(["bench/throughput.py", *(argv if argv is not None else sys.argv[1:])]),
            "targets": TARGETS,
        }
        header = (
            f"{device} ({meta['device_name']}; torch {meta['torch']}, {meta['threads']} threads; "
            f"{meta['seconds']:.0f} s; load average {os.getloadavg()[0]:.1f})"
        )
        print(format_table(rows, header))
        path = a.out / f"throughput-{device}.json"
        write_results(path, device, rows, meta)
        print(f"wrote {path}")
        status |= any("error" in r for r in rows)
    return status


if __name__ == "__main__":
    sys.exit(main())
