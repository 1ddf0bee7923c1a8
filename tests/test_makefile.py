"""The Makefile's installs: ``make demo`` sets up the runtime only; ``make test`` adds the test and lint
tools. Read from ``make -n`` (what make would run on a machine with no virtual environment yet)."""

from __future__ import annotations

import ast
import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV_TOOLS = ("pytest", "hypothesis", "playwright", "ruff")


def planned(target: str, tmp_path: Path) -> str:
    """What ``make -n target`` would run, as a top-level make would print it: run under ``make test``
    (as CI does), the inherited MAKELEVEL/MAKEFLAGS would add "Entering directory" lines."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES")}
    out = subprocess.run(
        ["make", "--no-print-directory", "-n", target, f"VENV={tmp_path / 'venv'}", f"PEERS={tmp_path / 'peers'}"],
        cwd=ROOT, capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    return out.stdout


def test_the_dev_extra_holds_the_test_and_lint_tools_only():
    text = (ROOT / "pyproject.toml").read_text()  # (tomllib is Python 3.11+; the project runs on 3.10)
    dev_line = re.search(r"^dev = (\[.*\])$", text, re.M)
    dev = [re.split(r"[<>=]", d)[0] for d in ast.literal_eval(dev_line.group(1))]
    assert sorted(dev) == sorted(["pytest", "pytest-timeout", "ruff", "playwright", "hypothesis"])
    runtime = re.search(r"^dependencies = \[(.*?)^\]", text, re.M | re.S).group(1)
    assert "gradio" in runtime and "torch" in runtime
    assert not any(tool in runtime for tool in DEV_TOOLS)


def test_make_demo_installs_the_runtime_only(tmp_path):
    plan = planned("demo", tmp_path)
    assert "pip install --quiet -c constraints.txt -e ." in plan
    assert "[dev]" not in plan and "chromium" not in plan and "peers/requirements.txt" not in plan
    assert "-m apps demo" in plan


def test_make_test_adds_the_tools_and_the_browser(tmp_path):
    plan = planned("test", tmp_path)
    assert "-e '.[dev]'" in plan and "chromium" in plan and "peers/requirements.txt" in plan
    assert plan.rstrip().endswith("-m pytest")
