"""SIGKILL at random moments of a short training run (the CLI, a real process), each time resumed,
until the run ends: the final checkpoint equals an uninterrupted run's bit for bit, and no temporary
file is left. ``GANCORE_KILLS=N`` kills more often (CI: a few)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import torch

from gancore.engine.checkpoint import list_checkpoints, read
from tests.helpers import ROOT

KILLS = int(os.environ.get("GANCORE_KILLS", "3"))
STEPS = 30


def _train(config, photos, out, resume: bool) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "apps.colorizer", "train", str(photos), "--out", str(out), "--no-progress"]
    cmd += ["--resume", "--steps", str(STEPS)] if resume else ["--config", str(config)]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _logged_step(run) -> int:
    """The last step the run logged (metrics.jsonl, one line per step here); 0 before any."""
    try:
        lines = (run / "metrics.jsonl").read_text().splitlines()
        return json.loads(lines[-1])["step"] if lines else 0
    except (OSError, ValueError, KeyError, IndexError):
        return 0


def test_killed_runs_resume_to_the_same_weights(tmp_path, tiny_dict, small_photos):
    tiny_dict["generator"]["layers"].insert(6, "dropout 0.3")  # randomness in the step, as the default
    tiny_dict["train"].update(steps=STEPS, checkpoint_every=1, sample_every=3, log_every=1, keep_checkpoints=2)
    tiny_dict["data"]["workers"] = 1
    config = tmp_path / "tiny.json"
    config.write_text(json.dumps(tiny_dict))

    straight = _train(config, small_photos, tmp_path / "straight", resume=False)
    assert straight.wait(timeout=600) == 0, straight.stderr.read().decode()

    rng = random.Random(0)
    out, kills = tmp_path / "killed", 0
    # kill points: random steps spread over the run (a kill lands anywhere in that step: the
    # forward, the optimiser, a checkpoint or sample write, the config write at start-up)
    targets = sorted(rng.sample(range(2, STEPS - 2), KILLS))
    for target in [*targets, None]:
        proc = _train(config, small_photos, out, resume=bool(list_checkpoints(out / "checkpoints")))
        if target is not None:
            deadline = time.monotonic() + 300
            while proc.poll() is None and _logged_step(out) < target and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 0.3))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                kills += 1
                continue
        code = proc.wait(timeout=600)
        err = proc.stderr.read().decode()
        if code == 2 and "already at step" in err:
            break
        assert code == 0, err
        if target is None:
            break
    assert kills == KILLS
    (a, meta_a), (b, meta_b) = (
        read(tmp_path / "straight" / "checkpoints" / f"step-{STEPS:06d}.safetensors"),
        read(out / "checkpoints" / f"step-{STEPS:06d}.safetensors"),
    )
    assert a.keys() == b.keys()
    assert [k for k in a if not torch.equal(a[k], b[k])] == []
    assert meta_a["rng"] == meta_b["rng"]
    leftovers = [p for p in out.rglob(".*") if ".tmp" in p.name]
    assert leftovers == []
