"""One lent-GPU session, start to finish: train the candidate models side by side, each picked by
its own held-out check, and leave the picks and every log in ``--out``.

    python tools/gpu_train.py --data DIR --out DIR [--deadline SECONDS] [--device cuda] [--plan PLAN.json]

Every model is trained by the apps' own ``train`` command, in parallel processes on one GPU:

- phase A: the x4 PSNR candidates (``superres-x4-edsr``, ``superres-x4-rrdb``), the x2 GAN
  fine-tune of the shipped x2 model (``superres-x2-gan-sn``) and two inpainters
  (``inpainter-lama``: L1 alone, and L1 then the GAN for the last 40 % of the steps);
- phase B, once the x4 PSNR runs end: the GAN fine-tune of the better of them (by their held-out
  scores) with its ``-gan`` config.

``--plan PLAN.json`` replaces both phases with the runs it lists (a JSON list of this file's
``Job`` fields: name, app, config, init, gan_share, keep, overrides), probed, run side by side to
the deadline and picked the same way (``tools/gpu_plans/``).

Step counts come from a short probe of every phase-A run together (80 steps, no held-out
check; its images per second), so each run's learning-rate schedule ends inside the time it has;
each run also gets that time as ``--minutes``, so a slower run still ends cleanly, with its report.
The picks are ``train``'s own: every run holds out photos of ``--data`` (the default split), scores
them about 8 times by its config's ``train.select`` (the GAN jobs: ``faithful_brisque`` for the
upscalers, ``textured_psnr`` for the inpainter) and keeps the best as ``generator.safetensors``.
Nothing here looks at the evaluation split: ``make eval`` scores the picks afterwards. Outputs (at
most 8 files, for the lease's copy-back limit): each run's kept model as ``<name>.safetensors``
(none where the run kept its start) and ``logs.tar.gz`` (configs, metrics, reports, last samples,
each process's output).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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


GAN_INPAINTER = {"train.select": "textured_psnr"}  # an inpainter GAN is kept for fidelity and texture together
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


def train_command(
    job: Job, cfg_path: Path, run: Path, data: Path, device: str, seconds: float | None, steps: int = 0
) -> list[str]:
    """``train`` for ``job``: a probe (``seconds`` None) without held-out photos; a real run with its
    start and its time as ``--minutes``, ``steps`` its cap (a slower run ends early, with its report)."""
    cmd = [sys.executable, "-m", f"apps.{job.app}", "train", str(data), "--config", str(cfg_path)]
    cmd += ["--out", str(run), "--no-progress", "--device", device]
    if seconds is None:
        return [*cmd, "--val", "none"]
    if job.init:
        cmd += ["--init-generator", job.init]
    cmd += ["--steps", str(steps)] if steps else []
    return [*cmd, "--minutes", f"{max(seconds, 60.0) / 60:.2f}"]


def start(job: Job, run: Path, steps: int, data: Path, device: str, seconds: float | None = None) -> None:
    """Start ``job`` in ``run``: a probe of ``steps`` when ``seconds`` is None, else a run of at most
    ``steps`` in ``seconds``."""
    probe = seconds is None
    run.mkdir(parents=True, exist_ok=True)
    cfg_path = run.parent / f"{run.name}.json"
    steps = max(steps, 2)
    log_every = max(steps // 4, 1) if probe else 50
    cfg_path.write_text(json.dumps(job_config(job, steps, log_every, probe), indent=1))
    cmd = train_command(job, cfg_path, run, data, device, seconds, steps)
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


def held_out(run: Path) -> dict | None:
    """What a run's held-out check kept: its ``report.json`` (``kept``, ``headline``, ``better``,
    ``scores``, ``verdict``), or for a run cut off before its report, the step ``generator.safetensors``
    holds (its best check so far) as ``{"kept": ...}``; None when it has neither."""
    try:
        return json.loads((run / "report.json").read_text())
    except (OSError, ValueError):
        pass
    from gancore.engine.checkpoint import read_metadata  # here: the driver itself needs no torch
    from gancore.errors import UserError

    try:
        step = int(read_metadata(run / "generator.safetensors").get("step", 0))
    except (UserError, ValueError):
        return None
    return {"kept": "start" if step == 0 else f"step {step}", "verdict": f"cut off; its best check so far: step {step}"}


def best_on_held_out(jobs: list[Job]) -> Job | None:
    """Of runs that held out the same photos and score them by the same measure, the one whose kept
    model scored best; None if none has a report. Runs that disagree on photos or measure are not
    compared: the first with a report wins, and the log says why."""
    reports = [(j, held_out(j.run)) for j in jobs]
    reports = [(j, r) for j, r in reports if r and "scores" in r and r["scores"].get("best")]
    if not reports:
        return None
    first = reports[0][1]
    if any(r["validation"] != first["validation"] or r["headline"] != first["headline"] for _, r in reports):
        say("the runs held out different photos or chose by different measures: not compared; taking the first")
        return reports[0][0]
    sign = 1 if first.get("better", "higher") == "higher" else -1
    for j, r in reports:
        say(f"{j.name}: held-out {r['headline']} {r['scores']['best'][r['headline']]:.3f} ({r['kept']})")
    return max(reports, key=lambda t: sign * t[1]["scores"]["best"][t[1]["headline"]])[0]


def export_kept(job: Job, out: Path) -> Path | None:
    """Copy the run's kept model (``generator.safetensors``, the held-out pick) to ``out/<name>.safetensors``;
    nothing when the run kept its start (its check found nothing better) or has no model."""
    report = held_out(job.run)
    if report is None:
        say(f"{job.name}: no model and no report")
        return None
    say(f"{job.name}: {report['verdict']}")
    if report["kept"] == "start":
        say(f"{job.name}: kept its start, so nothing is exported")
        return None
    dest = out / f"{job.name}.safetensors"
    shutil.copyfile(job.run / "generator.safetensors", dest)
    say(f"{job.name}: exported {report['kept']} -> {dest.name}")
    return dest


def main() -> int:
    global SMOKE
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
    ap.add_argument("--smoke", action="store_true", help="batch 2, one worker: check this script on a CPU")
    a = ap.parse_args()
    SMOKE = a.smoke
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
        Job("inpainter-gan", "inpainter", "configs/inpainter-lama.json", None, 0.4, 4, GAN_INPAINTER),
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
                start(job, a.runs / job.name, a.fixed_steps, a.data, a.device, a.deadline - 45 - now())
            wait(long, a.deadline - 30)
            pick_final(a, long)
        else:
            run_session(a, x4, long)
    finally:
        pack(a)
    return 0


def run_session(a: argparse.Namespace, x4: list[Job], long: list[Job]) -> None:
    # probe: every phase-A run together, as they will run
    for job in x4 + long:
        start(job, a.runs / f"probe-{job.name}", a.probe_steps, a.data, a.device)
    wait(x4 + long, a.deadline * 0.2)
    for job in x4 + long:
        try:
            job.rate = probe_rate(job.run)
        except (OSError, ValueError, KeyError, statistics.StatisticsError):
            job.rate = 0.0
        say(f"probe {job.name}: {job.rate:.2f} steps/s")
    x4 = [j for j in x4 if j.rate > 0]
    long = [j for j in long if j.rate > 0]

    # phase A; phase B (the x4 GAN) gets ~40 % of what is left; the picks and packing 40 s
    left = a.deadline - now() - 40
    t_a = left * 0.55
    startup = 25  # imports, cache, CUDA, workers, the step-0 held-out scores
    for job in x4:
        start(job, a.runs / job.name, int(job.rate * (t_a - startup) * 0.9), a.data, a.device, t_a)
    for job in long:
        start(job, a.runs / job.name, int(job.rate * (left - startup) * 0.9), a.data, a.device, left)
    wait(x4, now() + t_a + 30)

    # the x4 PSNR model its held-out photos score best; fine-tune it with the GAN
    best = best_on_held_out(x4)
    if best is not None:
        kept = export_kept(best, a.out)
        gan = Job(
            "superres-x4-gan",
            "superres",
            best.config.replace(".json", "-gan.json"),
            str(kept or best.run / "generator.safetensors"),
            1.0,
            8,
        )
        budget = a.deadline - 40 - now()
        steps = int(best.rate * 0.5 * (budget - startup) * 0.9)
        start(gan, a.runs / gan.name, steps, a.data, a.device, budget)
        long.append(gan)
    pack(a)  # phase A's logs come back even if the rest is cut short
    wait(long, a.deadline - 30)
    pick_final(a, long)


def pick_final(a: argparse.Namespace, jobs: list[Job]) -> None:
    """Export each run's own pick (its held-out check's best), as it says in its report."""
    for j in jobs:
        export_kept(j, a.out)


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
