"""A default fine-tune starts from the shipped model that scores best on the held-out photos."""

from __future__ import annotations

import shutil

from safetensors import safe_open
from safetensors.torch import save_file

from gancore.starts import best_start, shipped_starts
from tests.conftest import ROOT

SHIPPED = ROOT / "assets" / "models" / "colorizer.safetensors"


def _spoiled(src, dst):
    """A copy of ``src`` whose every weight is scaled: the same kind of model, with wrong colours."""
    with safe_open(str(src), framework="pt") as f:
        meta = f.metadata()
        tensors = {k: f.get_tensor(k) * (3.0 if f.get_tensor(k).is_floating_point() else 1) for k in f.keys()}
    save_file(tensors, str(dst), metadata=meta)


def test_the_best_scoring_shipped_model_starts_the_run(tmp_path, small_photos):
    val = sorted(p for p in small_photos.rglob("*") if p.is_file())[:3]
    good, bad = tmp_path / "good", tmp_path / "bad"
    for folder, default_is_good in ((good, True), (bad, False)):
        folder.mkdir()
        spoil, keep = ("colorizer-b.safetensors", "colorizer.safetensors")
        if not default_is_good:
            spoil, keep = keep, spoil
        shutil.copy(SHIPPED, folder / keep)
        _spoiled(SHIPPED, folder / spoil)
    start, scores = best_start(good / "colorizer.safetensors", val)
    assert start == good / "colorizer.safetensors" and set(scores) == {"colorizer", "colorizer-b"}
    start, scores = best_start(bad / "colorizer.safetensors", val)
    assert start == bad / "colorizer-b.safetensors", scores
    assert scores["colorizer-b"] > scores["colorizer"]


def test_only_models_of_the_same_input_compete(tmp_path, small_photos):
    """Another task's model beside the default (named like it) is no start; with no
    held-out photo nothing is scored."""
    shutil.copy(SHIPPED, tmp_path / "colorizer.safetensors")
    shutil.copy(ROOT / "assets" / "models" / "superres-x2.safetensors", tmp_path / "colorizer-x.safetensors")
    assert shipped_starts(tmp_path / "colorizer.safetensors")[0] == tmp_path / "colorizer.safetensors"
    val = sorted(p for p in small_photos.rglob("*") if p.is_file())[:2]
    start, scores = best_start(tmp_path / "colorizer.safetensors", val)
    assert start == tmp_path / "colorizer.safetensors" and set(scores) == {"colorizer"}
    assert best_start(tmp_path / "colorizer.safetensors", []) == (tmp_path / "colorizer.safetensors", {})
