"""Every app's ``run`` on one folder of good, odd and bad files: every good file written, every bad one
named, inputs unchanged, no traceback, and a rerun that changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PIL import Image

from tests.faults.bad_folder import make
from tests.helpers import ROOT, tree_digest

APPS = {"colorizer": [], "inpainter": ["--mask-policy", "medium"], "superres": ["--scale", "2"]}


def _run(app: str, src, dst) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", f"apps.{app}", "run", os.fsencode(src), os.fsencode(dst), "--no-progress"]
    return subprocess.run([*cmd, *APPS[app]], capture_output=True, cwd=ROOT, timeout=600)


def _outputs(root) -> set[str]:
    return {os.fsdecode(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("app", sorted(APPS))
def test_run_processes_the_good_names_the_bad_and_touches_no_input(tmp_path, app):
    src, dst = tmp_path / "in", tmp_path / "out"
    good, bad = make(src)
    before = tree_digest(src)
    proc = _run(app, src, dst)
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 1, err  # some files failed
    assert "Traceback" not in err
    for name in (*bad, "dangling.png", "loop-a.png", "loop-b.png"):
        assert name in err, f"{name} not reported"
    expected = {n.rsplit(".", 1)[0] + ".png" for n in good if not n.startswith("one.")} | {"one.jpg.png", "one.png.png"}
    assert _outputs(dst) == expected
    for name in expected:
        with Image.open(dst / name) as out:
            out.load()
            assert out.size[0] >= 1
    with Image.open(dst / "exif-rotated.png") as rotated:  # EXIF orientation 6: portrait after rotation
        assert rotated.height > rotated.width
    assert tree_digest(src) == before  # inputs byte-identical
    again = _run(app, src, dst)
    again_err = again.stderr.decode("utf-8", "replace")
    assert again.returncode == 1 and "Traceback" not in again_err
    assert f"0 written, {len(expected)} skipped" in again.stdout.decode()
    assert all(name in again_err for name in bad)  # still named on the rerun
