"""``run --hints`` and eval's hint curve, run as a user runs them: real processes, real files."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
import torch
from PIL import Image

from tests.helpers import run_app, tree_digest


def cli(*args):
    return run_app("colorizer", *args)


@pytest.fixture(scope="module")
def hint_model(tmp_path_factory):
    """A tiny colorizer that takes hints (random weights: hints change its output), as an export."""
    from gancore.config import config_from_dict
    from gancore.engine.checkpoint import export_generator
    from gancore.gan import build_generator
    from tests.conftest import TINY

    d = copy.deepcopy(TINY)
    d["task"] = {"type": "colorizer", "hints": True}
    torch.manual_seed(0)
    _, gen = build_generator(config_from_dict(d))
    path = tmp_path_factory.mktemp("model") / "hints.safetensors"
    export_generator(path, gen, 0, d)
    return path


def photo(path, size=(48, 40), seed=0):
    rgb = (np.random.default_rng(seed).random((size[1], size[0], 3)) * 255).astype(np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgb).save(path)


def hint(path, size=(48, 40), colour=(220, 40, 40)):
    rgba = np.zeros((size[1], size[0], 4), np.uint8)
    rgba[10:20, 10:30] = (*colour, 255)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgba).save(path)


def test_run_with_hints(tmp_path, hint_model):
    src, hints = tmp_path / "in", tmp_path / "hints"
    photo(src / "a.png", seed=1)
    photo(src / "sub" / "b.jpg", seed=2)
    photo(src / "c.png", seed=3)
    photo(src / "d.png", seed=4)
    hint(hints / "a.png")
    hint(hints / "sub" / "b.webp", size=(24, 20))  # another size: resized, with a warning
    (hints / "d.png").write_text("not a PNG")  # an unreadable hint image: d is reported and skipped
    before = tree_digest(src), tree_digest(hints)

    r = cli("run", src, tmp_path / "out", "--model", hint_model, "--hints", hints, "--no-progress")
    assert r.returncode == 1, r.stderr
    assert "d.png" in r.stderr and "Traceback" not in r.stderr
    assert "b.webp" in r.stderr and "resized" in r.stderr
    assert "3 written" in r.stdout and "1 failed" in r.stdout
    auto = cli("run", src, tmp_path / "auto", "--model", hint_model, "--no-progress")
    assert auto.returncode == 0, auto.stderr

    def read(folder, name):
        return np.asarray(Image.open(tmp_path / folder / name))

    assert np.array_equal(read("out", "c.png"), read("auto", "c.png")), "no hint image: automatic"
    assert not np.array_equal(read("out", "a.png"), read("auto", "a.png")), "the hints reach the model"
    assert not np.array_equal(read("out", "sub/b.png"), read("auto", "sub/b.png"))
    assert (tree_digest(src), tree_digest(hints)) == before, "inputs and hints are never modified"


def test_hints_for_a_model_without_hint_inputs_is_one_line(tmp_path, hint_model):
    from gancore.config import config_from_dict
    from gancore.engine.checkpoint import export_generator
    from gancore.gan import build_generator
    from tests.conftest import TINY

    photo(tmp_path / "in" / "a.png")
    (tmp_path / "hints").mkdir()
    _, gen = build_generator(config_from_dict(TINY))  # an automatic-only model: L in, ab out
    model = tmp_path / "auto.safetensors"
    export_generator(model, gen, 0, TINY)
    r = cli("run", tmp_path / "in", tmp_path / "out", "--model", model, "--hints", tmp_path / "hints")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == ["error: --hints: this model takes no colour hints "
                                             "(train one with task.hints = true)"]  # fmt: skip
    r = cli("run", tmp_path / "in", tmp_path / "out", "--model", hint_model, "--hints", tmp_path / "nope")
    assert r.returncode == 2 and "hint folder not found" in r.stderr


def test_eval_reports_the_hint_curve(tmp_path, hint_model, small_photos):
    report = tmp_path / "eval.json"
    r = cli("eval", small_photos, "--model", hint_model, "--hint-counts", "0", "5", "20", "--json", report)
    assert r.returncode == 0, r.stderr
    assert "hint curve" in r.stdout
    data = json.loads(report.read_text())
    assert data["hint_counts"] == [5, 20]
    assert set(data["mean"]) == {"model", "gray", "photo", "hints_5", "hints_20", "hints_5_network", "hints_20_network"}
    assert data["mean"]["hints_5"]["psnr"] != data["mean"]["model"]["psnr"]
    again = tmp_path / "again.json"
    assert cli("eval", small_photos, "--model", hint_model, "--hint-counts", "5", "20", "--json", again).returncode == 0
    untimed = [{m: {k: v for k, v in r.items() if k != "seconds_per_mp"} for m, r in d["mean"].items()}
               for d in (json.loads(again.read_text()), data)]  # fmt: skip
    assert untimed[0] == untimed[1], "fixed seeds: the same hints every time"
