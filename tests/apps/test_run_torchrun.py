"""``torchrun --nproc_per_node=2 -m apps.superres run``: each file processed once, by one process,
outputs identical to a single process's, one combined summary; a rerun after a partial run
finishes only what is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from tests.helpers import ROOT, tree_digest

TORCHRUN = Path(sys.executable).with_name("torchrun")


def _photos(root: Path, n: int = 20) -> None:
    rng = np.random.default_rng(0)
    for i in range(n):
        small = rng.integers(0, 256, (4, 5, 3), dtype=np.uint8)
        sub = root / ("nested" if i % 4 == 0 else "")
        sub.mkdir(parents=True, exist_ok=True)
        Image.fromarray(small).resize((40, 32), Image.Resampling.BICUBIC).save(sub / f"p{i:02d}.png")


def _torchrun(src, dst) -> subprocess.CompletedProcess:
    cmd = [str(TORCHRUN), "--standalone", "--nproc_per_node=2", "-m", "apps.superres", "run", str(src), str(dst),
           "--scale", "2", "--no-progress"]  # fmt: skip
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600, env=env)


def test_two_processes_share_the_files_and_match_one(tmp_path):
    src = tmp_path / "in"
    _photos(src)
    single = subprocess.run([sys.executable, "-m", "apps.superres", "run", src, tmp_path / "one", "--scale", "2",
                             "--no-progress"], capture_output=True, text=True, cwd=ROOT, timeout=600)  # fmt: skip
    assert single.returncode == 0, single.stderr
    proc = _torchrun(src, tmp_path / "two")
    assert proc.returncode == 0, proc.stderr[-3000:]
    summaries = [line for line in proc.stdout.splitlines() if "written" in line]
    assert summaries == [summaries[0]] and summaries[0].startswith("2 processes: 20 written, 0 skipped")
    assert tree_digest(tmp_path / "two") == tree_digest(tmp_path / "one")  # same files, same bytes

    # a partial run (as after a kill): a third of the outputs removed, the rerun writes just those
    removed = sorted((tmp_path / "two").rglob("*.png"))[::3]
    for path in removed:
        path.unlink()
    again = _torchrun(src, tmp_path / "two")
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"2 processes: {len(removed)} written, {20 - len(removed)} skipped" in again.stdout
    assert tree_digest(tmp_path / "two") == tree_digest(tmp_path / "one")
