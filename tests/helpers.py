"""Helpers shared by the apps' CLI tests: run a verb as a real process, fingerprint a folder."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_app(app: str, *args, cwd=None) -> subprocess.CompletedProcess:
    """``python -m apps.<app> ARGS`` in a real process, from the repository root unless ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", f"apps.{app}", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=600,
    )


def tree_digest(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root`` by relative path: equal digests mean untouched inputs."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def random_generator(config: dict, seed: int = 0):
    """``(task, generator, config)`` for a config dict: the generator randomly initialised, in eval mode."""
    import torch

    from gancore.config import config_from_dict
    from gancore.gan import build_generator

    torch.manual_seed(seed)
    cfg = config_from_dict(config)
    task, gen = build_generator(cfg)
    return task, gen.eval(), cfg


def log_ticks(run: Path) -> list[dict]:
    """The log ticks of a run's ``metrics.jsonl`` (losses, images/s): the held-out checks' rows left out."""
    import json

    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    return [r for r in rows if "images_per_s" in r]
