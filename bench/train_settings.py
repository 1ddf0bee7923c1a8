"""``make bench``: the training step of pix2pix's networks with each speed setting on and off.

    .venv/bin/python bench/train_settings.py                  # CPU: 128 px, batch 8 (pix2pix's U-Net-128)
    .venv/bin/python bench/train_settings.py --rounds 5 --settings defaults one-thread compile
    .venv/bin/python bench/train_settings.py --device cuda --config configs/colorizer.json --batch 16 --size 256

The config is ``configs/pix2pix-unet128-full.json``: pix2pix's U-Net-128 generator and 70x70
PatchGAN at full width (G 41,824,898 parameters, D 2,765,633, as pytorch-CycleGAN-and-pix2pix
builds them for a 1-channel input), its loss and its Adam. Each setting is one trainer built from
that config with one thing changed from the defaults (``SETTINGS``), stepping on the same
in-memory batch; the settings take turns step by step (one round = one step of each), so a change
in the machine's load hits every row alike. A row reports the median step time and its speed
relative to the defaults row (above 1: the setting is faster than the default). Each
configuration's first steps (and a compiled one's compilation) are warm-up, not timed.

Prints a table and writes ``bench/results/train-settings-<device>.json``. About 3 minutes on 2
CPU cores (compiling takes one of them).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.flops import cpu_features  # noqa: E402  (after the path is set)

CONFIG = ROOT / "configs" / "pix2pix-unet128-full.json"

# name -> (what it changes, trainer options, train options, torch threads or None: the run's)
SETTINGS: dict[str, tuple[str, dict, dict, int | None]] = {
    "defaults": ("as shipped: one G forward, fused Adam, precision auto (bf16 on bf16 CPUs), eager", {}, {}, None),
    "two-forwards": ("D's step makes its own fake (share_forward false)", {"share_forward": False}, {}, None),
    "adam-loop": ("Adam one tensor at a time (torch's CPU default)", {"optimizer_kernel": "loop"}, {}, None),
    "adam-foreach": ("Adam batched over tensors (foreach)", {"optimizer_kernel": "foreach"}, {}, None),
    "pix2pix-like": (
        "two forwards, Adam as a loop, fp32: the step before issue 17",
        {"share_forward": False, "optimizer_kernel": "loop"},
        {"precision": "fp32"},
        None,
    ),
    "pix2pix-step": (
        "pix2pix's own step (bench/pix2pix_step.py): its control flow and torch's Adam, fp32, same networks",
        {},
        {"precision": "fp32", "channels_last": False, "compile": False},
        None,
    ),
    "torch-convs": (
        "fp32 with every convolution by torch.nn's kernels (no matrix paths for small maps and last layers)",
        {},
        {"precision": "fp32"},
        None,
    ),
    "channels-last": ("NHWC weights and batch (oneDNN)", {}, {"channels_last": True}, None),
    "fp32": ("fp32 throughout (no bf16 autocast)", {}, {"precision": "fp32"}, None),
    "bf16": ("bf16 autocast, whatever the CPU", {}, {"precision": "bf16"}, None),
    "compile": ("torch.compile (inductor) of G's and D's forward", {}, {"compile": True}, None),
    "one-thread": ("1 intra-op thread", {}, {}, 1),
    "all-threads": ("one intra-op thread per core", {}, {}, 0),
}
DEFAULT_ROWS = ["defaults", "two-forwards", "adam-loop", "adam-foreach", "pix2pix-like", "pix2pix-step", "fp32",
                "torch-convs", "bf16", "channels-last", "compile", "one-thread", "all-threads"]  # fmt: skip


@dataclasses.dataclass
class Row:
    name: str
    changes: str
    threads: int
    times: list[float] = dataclasses.field(default_factory=list)
    warmup_s: float = 0.0
    error: str | None = None


def build(cfg, name: str, device):
    """``(trainer, speed)`` for ``cfg`` with ``SETTINGS[name]`` applied, built as the engine builds them."""
    from bench.measure import step_trainer

    _, trainer_opts, train_opts, _ = SETTINGS[name]
    if trainer_opts:
        cfg = dataclasses.replace(cfg, trainer=cfg.trainer.replace(**trainer_opts))
    if train_opts:
        cfg = cfg.replace("train", **train_opts)
    if name == "pix2pix-step":  # not our trainer: pix2pix's step around the same modules
        from types import SimpleNamespace

        from bench.pix2pix_step import Pix2PixStep
        from gancore.engine.speed import resolve_speed

        return SimpleNamespace(step=Pix2PixStep(cfg, device)), resolve_speed(cfg.train, device)
    trainer, speed = step_trainer(cfg, device)
    if name == "torch-convs":
        from bench.pix2pix_step import torch_kernels

        torch_kernels(trainer.gan.generator), torch_kernels(trainer.gan.discriminator)
    return trainer, speed


def measure(a: argparse.Namespace) -> tuple[list[Row], dict]:
    import torch

    from gancore.config import load_config

    device = torch.device(a.device)
    cfg = load_config(a.config)
    size, batch = a.size or cfg.data.size, a.batch or cfg.data.batch
    cfg = cfg.replace("data", size=size, batch=batch)
    default_threads = torch.get_num_threads() if a.threads == 0 else a.threads
    torch.manual_seed(0)
    real = torch.rand(batch, 3, size, size, device=device) * 2 - 1  # the task conditions it as in training

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    rows, steps = [], {}
    for name in a.settings:
        changes, _, _, threads = SETTINGS[name]
        threads = default_threads if threads is None else (os.cpu_count() or 1) if threads == 0 else threads
        row = Row(name, changes, threads)
        rows.append(row)
        try:
            trainer, speed = build(cfg, name, device)
            x = speed.batch(real)

            def step(trainer=trainer, speed=speed, x=x):
                with speed.autocast():
                    trainer.step(x)

            torch.set_num_threads(threads)
            t = time.perf_counter()
            for _ in range(a.warmup):
                step()
            sync()
            row.warmup_s = time.perf_counter() - t
            steps[name] = step
        except Exception as e:  # a setting this machine cannot run is a row that says so
            row.error = f"{type(e).__name__}: {str(e).splitlines()[0][:160]}" if str(e) else type(e).__name__
    for _ in range(a.rounds):
        for row in rows:
            if row.name in steps:
                torch.set_num_threads(row.threads)
                sync()
                t = time.perf_counter()
                steps[row.name]()
                sync()
                row.times.append(time.perf_counter() - t)
    meta = {"config": str(Path(a.config).resolve().relative_to(ROOT)), "size": size, "batch": batch,
            "device": a.device, "default_threads": default_threads, "rounds": a.rounds, "warmup": a.warmup}  # fmt: skip
    if "defaults" in steps:  # the step's FLOPs (one more step, counted) and the core's matrix-product peak
        from bench.flops import matmul_peak, step_flops

        torch.set_num_threads(default_threads)
        meta["step_gflop"] = round(step_flops(steps["defaults"]) / 1e9, 2)
        meta["matmul_peak_gflops"] = {"float32": round(matmul_peak(default_threads), 1)}
        if device.type == "cpu" and cpu_features()["bf16"]:
            meta["matmul_peak_gflops"]["bfloat16"] = round(matmul_peak(default_threads, "bfloat16"), 1)
    return rows, meta


def to_dicts(rows: list[Row], batch: int, meta: dict | None = None) -> list[dict]:
    base = next((statistics.median(r.times) for r in rows if r.name == "defaults" and r.times), None)
    cpu = cpu_features()["label"]
    gflop = (meta or {}).get("step_gflop")
    out = []
    for r in rows:
        d = {"setting": r.name, "changes": r.changes, "threads": r.threads, "cpu": cpu}
        if r.error or not r.times:
            d["error"] = r.error or "not timed"
        else:
            med = statistics.median(r.times)
            d.update(step_s=round(med, 4), min_s=round(min(r.times), 4), images_per_s=round(batch / med, 3),
                     times_s=[round(t, 4) for t in r.times], warmup_s=round(r.warmup_s, 1))  # fmt: skip
            if base:
                d["speed_vs_defaults"] = round(base / med, 3)
            if gflop:  # the defaults' FLOPs: every row computes the same step (two forwards: a little more)
                d["achieved_gflops"] = round(gflop / med, 2)
        out.append(d)
    return out


def pix2pix_ratios(rows: list[dict]) -> dict[str, float]:
    """pix2pix's step time over ours (above 1: ours is faster): against our fp32 row (the same arithmetic) and
    our defaults (bf16 where the CPU has it), the ratio of medians, and against fp32 the median and the
    quartiles of the rounds' ratios (the spread a single number hides: on one idle machine the ratio of
    medians moved from 1.28x to 1.18x in three hours); only the rows that were timed."""
    t = {r["setting"]: r["step_s"] for r in rows if "step_s" in r}
    if "pix2pix-step" not in t:
        return {}
    out = {f"vs {k}": round(t["pix2pix-step"] / t[k], 3) for k in ("fp32", "defaults") if k in t}
    times = {r["setting"]: r["times_s"] for r in rows if "times_s" in r}
    if "fp32" in times:  # round by round (the two steps ran one after the other): a machine's slow spells cancel
        rounds = [p / o for p, o in zip(times["pix2pix-step"], times["fp32"])]
        out["vs fp32, median of rounds"] = round(statistics.median(rounds), 3)
        if len(rounds) >= 2:
            q1, _, q3 = statistics.quantiles(rounds, n=4, method="inclusive")
            out["vs fp32, rounds' lower quartile"] = round(q1, 3)
            out["vs fp32, rounds' upper quartile"] = round(q3, 3)
    return out


def format_table(rows: list[dict], header: str) -> str:
    cols = ["setting", "step s (median)", "img/s", "vs defaults", "GFLOP/s", "threads", "CPU", "changes"]
    lines = []
    for r in rows:
        if "error" in r:
            lines.append([r["setting"], "", "", "", "", str(r["threads"]), r["cpu"], f"not measured: {r['error']}"])
        else:
            vs = f"{r['speed_vs_defaults']:.2f}x" if "speed_vs_defaults" in r else ""
            flops = f"{r['achieved_gflops']:.1f}" if "achieved_gflops" in r else ""
            lines.append([r["setting"], f"{r['step_s']:.3f}", f"{r['images_per_s']:.2f}", vs, flops,
                          str(r["threads"]), r["cpu"], r["changes"]])  # fmt: skip
    widths = [max(len(c), *(len(line[i]) for line in lines)) for i, c in enumerate(cols)]
    out = [header, "  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip()]
    out += ["  ".join(v.ljust(w) for v, w in zip(line, widths)).rstrip() for line in lines]
    return "\n".join(out)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--config", default=str(CONFIG), help="the networks and step (default: pix2pix's U-Net-128)")
    p.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
    p.add_argument("--size", type=int, help="crop size (default: the config's)")
    p.add_argument("--batch", type=int, help="batch (default: the config's)")
    p.add_argument("--rounds", type=int, default=3, help="timed steps of each setting, taken in turns (default 3)")
    p.add_argument("--warmup", type=int, default=2, help="untimed steps of each setting first (default 2)")
    p.add_argument("--threads", type=int, default=1,
                   help="intra-op threads of every row but the thread rows (default 1; 0: one per core)")  # fmt: skip
    p.add_argument("--settings", nargs="+", default=DEFAULT_ROWS, choices=list(SETTINGS), help="rows to measure")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results", help="folder for the JSON")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    a = parse(argv)
    if "defaults" not in a.settings:
        a.settings = ["defaults", *a.settings]
    import platform

    import torch

    from bench.throughput import write_results

    start = time.perf_counter()
    rows, meta = measure(a)
    dicts = to_dicts(rows, meta["batch"], meta)
    command = " ".join(["bench/train_settings.py", *(argv if argv is not None else sys.argv[1:])])
    meta.update(
        torch=torch.__version__,
        machine=f"{platform.machine()}, {os.cpu_count()} cores",
        date=time.strftime("%Y-%m-%d %H:%M"),
        seconds=round(time.perf_counter() - start, 1),
        load_average=round(os.getloadavg()[0], 2),
        command=command,
    )
    meta["cpu"] = cpu_features()
    header = (
        f"training step, {meta['config']} at {meta['size']} px, batch {meta['batch']}, {a.device} ({meta['machine']}; "
        f"{meta['cpu']['model']}, {meta['cpu']['label']}; torch {meta['torch']}; {meta['seconds']:.0f} s; "
        f"load average {meta['load_average']})"
    )
    print(format_table(dicts, header))
    if meta.get("step_gflop"):
        peak = meta["matmul_peak_gflops"]
        best = max((d for d in dicts if "achieved_gflops" in d), key=lambda d: d["achieved_gflops"], default=None)
        print(f"the step: {meta['step_gflop']} GFLOP; matrix-product peak on {meta['default_threads']} thread(s): "
              + ", ".join(f"{k} {v} GFLOP/s" for k, v in peak.items())
              + (f"; the fastest row ({best['setting']}) reaches {best['achieved_gflops'] / peak['float32']:.0%} "
                 "of the fp32 peak" if best else ""))  # fmt: skip
    ratios = pix2pix_ratios(dicts)
    if ratios:
        meta["pix2pix_step_over_ours"] = ratios
        print("pix2pix's own step over ours, same networks, interleaved: "
              + ", ".join(f"{k} {v:.2f}x" for k, v in ratios.items()))  # fmt: skip
    path = a.out / f"train-settings-{a.device.split(':')[0]}.json"
    write_results(path, meta.pop("device"), dicts, meta)
    print(f"wrote {path}")
    return int(any("error" in d for d in dicts))


if __name__ == "__main__":
    sys.exit(main())
