"""Crafted or mismatched ``--model`` files: each refused with one ``error:`` line and exit status 2,
nothing executed (no pickle is ever loaded), nothing allocated without bound."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys

import pytest
import torch
from safetensors.torch import save_file

from gancore.engine.checkpoint import read
from tests.helpers import ROOT

SHIPPED = ROOT / "assets" / "models"


class Payload:
    def __reduce__(self):  # unpickling this would create the marker file
        return (open, ("PWNED", "w"))


def _crafted(tmp_path, name: str, config=None, tensors=None) -> str:
    tensors_, meta = read(SHIPPED / "colorizer.safetensors")
    if config is not None:
        meta = {**meta, "config": config if isinstance(config, str) else json.dumps(config)}
    path = tmp_path / f"{name}.safetensors"
    save_file(tensors if tensors is not None else tensors_, str(path), metadata=meta)
    return str(path)


def _config():
    return json.loads(read(SHIPPED / "colorizer.safetensors")[1]["config"])


def cases(tmp_path) -> dict[str, str]:
    huge_layer, huge_size = _config(), _config()
    huge_layer["generator"]["layers"][0] = "conv 100000000 filter=4 stride=2"
    huge_size["data"]["size"] = 10**6
    pickled = tmp_path / "pickle.safetensors"
    pickled.write_bytes(pickle.dumps(Payload()))
    torch_pickle = tmp_path / "model.pt"
    torch.save({"x": Payload()}, torch_pickle)
    nan, inf = dict(read(SHIPPED / "colorizer.safetensors")[0]), dict(read(SHIPPED / "colorizer.safetensors")[0])
    key = next(k for k in nan if k.endswith("weight"))
    nan[key] = nan[key].clone()
    nan[key].view(-1)[3] = float("nan")
    inf[key] = inf[key].clone()
    inf[key].view(-1)[0] = float("inf")
    return {
        "malformed config JSON": _crafted(tmp_path, "malformed", config='{"task": {"type": "colorizer"'),
        "a layer of terabytes": _crafted(tmp_path, "huge-layer", config=huge_layer),
        "data.size of 10^6": _crafted(tmp_path, "huge-size", config=huge_size),
        "another task's model": str(SHIPPED / "superres-x4.safetensors"),
        "weights of another shape": _crafted(tmp_path, "shapes", tensors={"generator.layers.0.weight": torch.zeros(2)}),
        "a pickle named .safetensors": str(pickled),
        "a torch pickle": str(torch_pickle),
        "no config": _crafted(tmp_path, "noconfig", config=""),
        "a NaN weight (wrote black pictures)": _crafted(tmp_path, "nan", tensors=nan),
        "an infinite weight": _crafted(tmp_path, "inf", tensors=inf),
    }


def test_every_crafted_model_is_one_line_error_and_runs_nothing(tmp_path):
    photos = tmp_path / "in"
    photos.mkdir()
    (photos / "a.png").write_bytes((ROOT / "assets" / "demo" / "lomiri-bridge-gray.jpg").read_bytes())
    for case, model in cases(tmp_path).items():
        cmd = [
            sys.executable,
            "-m",
            "apps.colorizer",
            "run",
            photos,
            tmp_path / "out",
            "--model",
            model,
            "--no-progress",
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=300)
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode == 2, (case, proc.stderr)
        assert len(lines) == 1 and lines[0].startswith("error: "), (case, proc.stderr)
        if "NaN" in case or "infinite" in case:
            assert "NaN or infinite values" in lines[0], proc.stderr
    assert not (tmp_path / "PWNED").exists()
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("app", ["inpainter", "superres"])
def test_another_apps_model_is_named(tmp_path, app):
    cmd = [sys.executable, "-m", f"apps.{app}", "eval", ROOT / "assets" / "eval", "--model"]
    proc = subprocess.run(
        [*cmd, SHIPPED / "colorizer.safetensors"], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert proc.returncode == 2
    article = "an" if app == "inpainter" else "a"
    expected = f"error: {SHIPPED / 'colorizer.safetensors'}: is a colorizer model, not {article} {app} one"
    assert proc.stderr.strip() == expected
