"""One lent-GPU session, start to finish: train the candidate models side by side, pick on the
evaluation split, and leave the picks and every log in ``--out``.

    python tools/gpu_train.py --data DIR --out DIR [--deadline SECONDS] [--device cuda] [--plan PLAN.json]

Every model is trained by the apps' own ``train`` command, in parallel processes on one GPU:

- phase A: the x4 PSNR candidates (``superres-x4-edsr``, ``superres-x4-rrdb``), the x2 GAN
  fine-tune of the shipped x2 model (``superres-x2-gan-sn``) and two inpainters
  (``inpainter-lama``: L1 alone, and L1 then the GAN for the last 40 % of the steps);
- phase B, once the x4 PSNR runs end: the GAN fine-tune of the better of them (``eval`` on
  ``assets/eval``) with its ``-gan`` config.

``--plan PLAN.json`` replaces both phases with the runs it lists (a JSON list of this file's
``Job`` fields: name, app, config, init, gan_share, keep, overrides), probed, run side by side to
the deadline and picked as phase A's GAN and inpainter runs are (``tools/gpu_plans/``).

Step counts come from a short probe of every phase-A run together (80 steps; its images per
second), so each run's learning-rate schedule ends inside the time it has. The GAN runs keep
8 checkpoints; ``eval`` picks the latest one that still beats bicubic by 0.2 dB (upscalers) and
the inpainter with the highest medium-mask hole PSNR. Outputs (at most 8 files, for the lease's
copy-back limit): the picked generators as ``<name>.safetensors`` and ``logs.tar.gz`` (configs,
metrics, eval JSON, last samples, each process's output).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # gancore, for the exports
T0 = time.time()


def now() -> float:
    return time.time() - T0


LOG: Path | None = None  # OUT/driver.log: written line by line, so a lease cut short still returns it


def say(msg: str) -> None:
    line = f"[{now():6.1f}s] {msg}"
    print(line, flush=True)
    if LOG is not None:
        with LOG.open("a") as f:
            f.write(line + "\n")


@dataclass
class Job:
    name: str
    app: str
    config: str
    init: str | None = None
    gan_share: float | None = None  # None: keep the config's pretrain_steps as a share; 1.0: L1 alone
    keep: int = 2
    overrides: dict = field(default_factory=dict)  # {"trainer.g_learn_rate": 1e-4, ...}
    proc: subprocess.Popen | None = None
    run: Path = field(default=Path())
    steps: int = 0
    rate: float = 0.0  # steps per second, from the probe


SMOKE = False  # --smoke: batch 2, one worker (a check of this script on a CPU)


def load_plan(path: Path) -> list[Job]:
    """The jobs of a plan file; a misspelt or missing field names the job and the valid fields."""
    fields = {"name", "app", "config", "init", "gan_share", "keep", "overrides"}
    jobs = []
    for i, spec in enumerate(json.loads(path.read_text())):
        unknown = set(spec) - fields
        if unknown or not {"name", "app", "config"} <= set(spec):
            raise SystemExit(
                f"{path}: job {i} ({spec.get('name', '?')}): fields are {sorted(fields)}; "
                f"name, app and config are required (got {sorted(spec)})"
            )
        if not (ROOT / spec["config"]).is_file():
            raise SystemExit(f"{path}: job {i} ({spec['name']}): no config {spec['config']}")
        if any(j.name == spec["name"] for j in jobs):
            raise SystemExit(f"{path}: job {i}: the name {spec['name']} is taken (each job has its own run folder)")
        jobs.append(Job(**spec))
    return jobs


def job_config(job: Job, steps: int, log_every: int, probe: bool) -> dict:
    cfg = json.loads((ROOT / job.config).read_text())
    for dotted, value in job.overrides.items():
        *parents, last = dotted.split(".")
        node = cfg
        for key in parents:
            node = node[key]
        node[last] = value
    if SMOKE:
        cfg["data"].update(batch=2, workers=1)
    tr, t = cfg["trainer"], cfg["train"]
    t["steps"] = steps
    t["log_every"] = log_every
    t["sample_every"] = steps
    t["checkpoint_every"] = steps if probe else max(steps // 8, 1)
    t["keep_checkpoints"] = 1 if probe else job.keep
    if "lr_schedule" in tr:
        tr["lr_schedule"]["steps"] = steps
    if job.gan_share is not None:
        tr["pretrain_steps"] = round(steps * (1 - job.gan_share))
    elif tr.get("pretrain_steps"):
        tr["pretrain_steps"] = steps  # a PSNR config: L1 alone to the end
    return cfg


def start(job: Job, run: Path, steps: int, data: Path, device: str, probe: bool = False) -> None:
    run.mkdir(parents=True, exist_ok=True)
    cfg_path = run.parent / f"{run.name}.json"
    steps = max(steps, 2)
    log_every = max(steps // 4, 1) if probe else 50
    cfg_path.write_text(json.dumps(job_config(job, steps, log_every, probe), indent=1))
    cmd = [sys.executable, "-m", f"apps.{job.app}", "train", str(data), "--config", str(cfg_path)]
    cmd += ["--out", str(run), "--no-progress", "--device", device]
    if job.init and not probe:
        cmd += ["--init-generator", job.init]
    job.run, job.steps = run, steps
    log = open(run.parent / f"{run.name}.log", "w")  # noqa: SIM115  (the child owns it)
    job.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    say(f"started {run.name}: {steps} steps")


def wait(jobs: list[Job], until: float) -> None:
    """Wait for ``jobs``; past ``until`` (seconds since start) interrupt the stragglers (their last
    checkpoint stays)."""
    for job in jobs:
        if job.proc is None:
            continue
        try:
            job.proc.wait(timeout=max(until - now(), 1))
        except subprocess.TimeoutExpired:
            say(f"{job.run.name} over its time: interrupted")
            job.proc.terminate()
            job.proc.wait()
        if job.proc.returncode:
            say(f"{job.run.name} exited {job.proc.returncode}:\n" + tail(job.run.parent / f"{job.run.name}.log"))


def tail(path: Path, n: int = 15) -> str:
    try:
        return "\n".join(path.read_text().splitlines()[-n:])
    except OSError:
        return "(no log)"


def probe_rate(run: Path) -> float:
    """Steps per second after the first tick (start-up excluded), from ``metrics.jsonl``."""
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    rows = [r for r in rows if "images_per_s" in r]  # the log ticks (the held-out checks have rows of their own)
    batch = json.loads((run / "config.json").read_text())["data"]["batch"]
    return statistics.median(r["images_per_s"] for r in rows[1:] or rows) / batch  # a cut probe: its first tick


EVAL_DATA = "assets/eval"  # the evaluation split


def evaluate(app: str, model: Path, out_json: Path, device: str, extra: list[str]) -> subprocess.Popen:
    cmd = [sys.executable, "-m", f"apps.{app}", "eval", EVAL_DATA, "--model", str(model)]
    cmd += ["--json", str(out_json), "--device", device, *extra]
    # two CPU threads each: the baselines and metrics run on the CPU, beside the training runs'
    # data workers (with torch's default of one thread per core, the first lease's evals took 150 s)
    env = {**os.environ, "OMP_NUM_THREADS": "2"}
    log = open(out_json.with_suffix(".log"), "w")  # noqa: SIM115  (the child owns it)
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=env)


def eval_all(items: list[tuple[str, Path, Path, list[str]]], device: str, until: float) -> dict[Path, dict]:
    """Run the evals in parallel; ``{model: report}`` for those done by ``until`` (seconds since start)."""
    procs = [(model, out, evaluate(app, model, out, device, extra)) for app, model, out, extra in items]
    results = {}
    for model, out, p in procs:
        try:
            p.wait(timeout=max(until - now(), 1))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        if p.returncode == 0 and out.exists():
            results[model] = json.loads(out.read_text())
        else:
            say(f"eval of {model} failed:\n" + tail(out.with_suffix(".log")))
    return results


def superres_row(report: dict) -> tuple[float, float]:
    """(gain over bicubic in dB, sharpness) of a superres eval report."""
    model = next(r for r in report["rows"] if r["method"] == "model")
    return report["gain_over_bicubic_db"], model.get("sharpness", 0.0)


def inpainter_psnr(report: dict) -> float:
    return next(r["psnr"] for r in report["rows"] if r["method"] == "model" and r["masks"] == "medium")


def export(checkpoint: Path, dest: Path) -> None:
    """The generator export of a training checkpoint (weights + its config as metadata)."""
    from gancore.engine.checkpoint import export_generator, read  # here: the driver itself needs no torch
    from gancore.inference import load_generator

    _, meta = read(checkpoint)
    _, gen, _ = load_generator(checkpoint)
    export_generator(dest, gen, int(meta.get("step", 0)), json.loads(meta["config"]))


def checkpoints(run: Path) -> list[Path]:
    return sorted((run / "checkpoints").glob("step-*.safetensors"))


def main() -> int:
    global SMOKE, EVAL_DATA
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="folder of training photos")
    ap.add_argument("--out", type=Path, required=True, help="where the picks and logs.tar.gz go")
    ap.add_argument("--runs", type=Path, default=ROOT / "runs" / "gpu", help="run folders")
    ap.add_argument("--deadline", type=float, default=540, help="seconds for the whole session")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--probe-steps", type=int, default=80)
    ap.add_argument(
        "--fixed-steps",
        type=int,
        default=0,
        help="no probe, no x4 runs: the x2 GAN and one inpainter (constant learning rates) run this many steps "
        "or until the deadline, whichever comes first",
    )
    ap.add_argument("--plan", type=Path, help="run these jobs instead of the built-in phases (see above)")
    ap.add_argument("--eval-data", default=EVAL_DATA, help="the evaluation split (default assets/eval)")
    ap.add_argument("--smoke", action="store_true", help="batch 2, one worker: check this script on a CPU")
    a = ap.parse_args()
    SMOKE = a.smoke
    EVAL_DATA = a.eval_data
    a.out.mkdir(parents=True, exist_ok=True)
    global LOG
    LOG = a.out / "driver.log"
    a.runs.mkdir(parents=True, exist_ok=True)
    plan = load_plan(a.plan) if a.plan else None
    x4 = [Job("superres-x4-edsr", "superres", "configs/superres-x4-edsr.json")]
    x4 += [Job("superres-x4-rrdb", "superres", "configs/superres-x4-rrdb.json")]
    long = [
        Job(
            "superres-x2-gan",
            "superres",
            "configs/superres-x2-gan-sn.json",
            "assets/models/superres-x2.safetensors",
            1.0,
            8,
        ),
        Job("inpainter-l1", "inpainter", "configs/inpainter-lama.json", None, 0.0, 4),
        Job("inpainter-gan", "inpainter", "configs/inpainter-lama.json", None, 0.4, 4),
    ]
    if a.fixed_steps:
        long = [
            long[0],
            Job(
                "inpainter-l1-lr1e-4",
                "inpainter",
                "configs/inpainter-lama.json",
                None,
                0.0,
                4,
                overrides={"trainer.g_learn_rate": 1e-4},
            ),
        ]
    try:
        if plan:
            run_session(a, [], plan)
        elif a.fixed_steps:
            for job in long:
                start(job, a.runs / job.name, a.fixed_steps, a.data, a.device)
            wait(long, a.deadline - 45)
            pick_final(a, long)
        else:
            run_session(a, x4, long)
    finally:
        pack(a)
    return 0


def run_session(a: argparse.Namespace, x4: list[Job], long: list[Job]) -> None:
    # probe: every phase-A run together, as they will run
    for job in x4 + long:
        start(job, a.runs / f"probe-{job.name}", a.probe_steps, a.data, a.device, probe=True)
    wait(x4 + long, a.deadline * 0.2)
    for job in x4 + long:
        try:
            job.rate = probe_rate(job.run)
        except (OSError, ValueError, KeyError, statistics.StatisticsError):
            job.rate = 0.0
        say(f"probe {job.name}: {job.rate:.2f} steps/s")
    x4 = [j for j in x4 if j.rate > 0]
    long = [j for j in long if j.rate > 0]

    # phase A; phase B (the x4 GAN) gets ~40 % of what is left, the evals and packing 70 s
    left = a.deadline - now() - 70
    t_a = left * 0.55
    startup = 25  # imports, cache, CUDA, workers
    for job in x4:
        start(job, a.runs / job.name, int(job.rate * (t_a - startup) * 0.9), a.data, a.device)
    for job in long:
        start(job, a.runs / job.name, int(job.rate * (left - startup) * 0.9), a.data, a.device)
    wait(x4, now() + t_a + 30)

    # pick the x4 PSNR model; fine-tune it with the GAN
    items = [("superres", j.run / "generator.safetensors", j.run / "eval.json", []) for j in x4]
    reports = eval_all(items, a.device, now() + 60)
    scored = sorted(
        (
            (superres_row(reports[j.run / "generator.safetensors"])[0], j)
            for j in x4
            if j.run / "generator.safetensors" in reports
        ),
        key=lambda t: t[0],
        reverse=True,
    )
    for gain, j in scored:
        say(f"{j.name}: {gain:+.3f} dB over bicubic")
    if scored:
        best = scored[0][1]
        export(checkpoints(best.run)[-1], a.out / "superres-x4.safetensors")
        gan = Job(
            "superres-x4-gan",
            "superres",
            best.config.replace(".json", "-gan.json"),
            str(best.run / "generator.safetensors"),
            1.0,
            8,
        )
        budget = a.deadline - 70 - now()
        start(gan, a.runs / gan.name, int(best.rate * 0.5 * (budget - startup) * 0.9), a.data, a.device)
        long.append(gan)
    pack(a)  # phase A's logs come back even if the rest is cut short
    wait(long, a.deadline - 65)
    pick_final(a, long)


def pick_final(a: argparse.Namespace, long: list[Job]) -> None:
    """Eval the last 5 checkpoints of each GAN run and the inpainters' last; export the picks."""
    items = []
    for j in long:
        for c in checkpoints(j.run)[-5:]:
            if j.app == "superres":
                items.append(("superres", c, c.with_suffix(".eval.json"), []))
            elif c == checkpoints(j.run)[-1]:
                items.append(("inpainter", c, c.with_suffix(".eval.json"), ["--sets", "medium"]))
    reports = eval_all(items, a.device, a.deadline - 15)
    for j in long:
        ranked = []
        for c in checkpoints(j.run):
            if c in reports:
                if j.app == "superres":
                    gain, sharp = superres_row(reports[c])
                    say(f"{j.name} {c.stem}: {gain:+.3f} dB, sharpness {sharp:.3f}")
                    if gain >= 0.2:
                        ranked.append((int(c.stem.split("-")[1]), c))
                else:
                    say(f"{j.name} {c.stem}: medium hole PSNR {inpainter_psnr(reports[c]):.3f} dB")
                    ranked.append((inpainter_psnr(reports[c]), c))
        if ranked:
            pick = max(ranked, key=lambda t: t[0])[1]
            say(f"{j.name}: picked {pick.name}")
            export(pick, a.out / f"{j.name}.safetensors")


def pack(a: argparse.Namespace) -> None:
    with tarfile.open(a.out / "logs.tar.gz", "w:gz") as tar:
        for path in sorted(a.runs.rglob("*")):
            keep = path.suffix in (".json", ".jsonl", ".log") or (path.suffix == ".png" and "samples" in path.parts)
            if path.is_file() and keep and path.stat().st_size < 4_000_000:
                tar.add(path, arcname=str(path.relative_to(a.runs)))
    for path in sorted(a.out.iterdir()):
        say(f"out: {path.name} {path.stat().st_size / 2**20:.1f} MiB")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
