"""``--help`` and usage errors load nothing heavy: no torch, no gradio, no kornia (they answer at once)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from apps.inpainter import options
from tests.helpers import ROOT

HEAVY = ("torch", "gradio", "kornia", "cv2")


def _imported(*args: str) -> tuple[set[str], subprocess.CompletedProcess]:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", *args], capture_output=True, text=True, cwd=ROOT)
    names = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    return names, proc


@pytest.mark.parametrize(
    "args",
    [
        ("apps.superres", "--help"),
        ("apps.colorizer", "run", "--help"),
        ("apps.inpainter", "eval", "--help"),
        ("apps.superres", "run"),
        ("apps", "--help"),
    ],
)
def test_help_and_usage_errors_import_no_heavy_library(args):
    names, proc = _imported(*args)
    assert proc.returncode in (0, 2), proc.stderr[-500:]
    assert not names & set(HEAVY), sorted(names & set(HEAVY))
    if "--help" in args and args[0] != "apps":
        assert "usage:" in proc.stdout


def test_every_positional_argument_has_help():
    proc = subprocess.run([sys.executable, "-m", "apps.colorizer", "run", "--help"], capture_output=True, text=True)
    assert "folder of images to process" in proc.stdout and "where the PNG outputs go" in proc.stdout


def test_the_light_option_lists_match_the_registries():
    from apps.inpainter.masks import EVAL_SETS, MASK_POLICIES

    assert tuple(MASK_POLICIES.names()) == options.POLICIES
    assert tuple(EVAL_SETS) == options.EVAL_SET_NAMES
