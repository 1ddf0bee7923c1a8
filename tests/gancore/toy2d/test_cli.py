"""``python -m gancore.toy2d``: train prints measures, sweep writes CSV, table and PNGs, mistakes are one line."""

from __future__ import annotations

import csv
import json

from PIL import Image

from gancore.toy2d.__main__ import main

from ...conftest import ROOT
from ..conftest import toy_config_dict


def tiny_config(tmp_path):
    path = tmp_path / "toy.json"
    path.write_text(json.dumps(toy_config_dict()))
    return path


def test_train_prints_measures_and_draws(tmp_path, capsys):
    png = tmp_path / "run.png"
    assert main(["train", str(tiny_config(tmp_path)), "--steps", "3", "--png", str(png), "--dataset", "grid"]) == 0
    out = capsys.readouterr().out.splitlines()
    result = json.loads(out[0])
    assert result["modes_total"] == 25 and 0 <= result["quality"] <= 1 and result["steps"] == 3
    assert out[1].startswith(("pass:", "fail:"))
    img = Image.open(png)
    assert img.size[0] > 2 * img.size[1] * 0.9  # two panels side by side
    assert len(set(img.convert("RGB").getdata())) > 20  # a colour map, points and lines, not a blank page


def test_sweep_writes_csv_table_and_pngs(tmp_path, capsys):
    out = tmp_path / "sweep"
    argv = ["sweep", "--config", str(tiny_config(tmp_path)), "--losses", "standard,began", "--penalties"]
    argv += ["none,r1", "--trainers", "alternating,curriculum", "--steps", "2", "--out", str(out)]
    assert main(argv) == 0
    with open(out / "results.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2 * 2 * 2
    assert {(r["loss"], r["penalty"], r["trainer"]) for r in rows} >= {("began", "r1", "curriculum")}
    assert all(r["error"] == "" or r["loss"] == "began" for r in rows)
    assert len(list((out / "png").glob("*.png"))) == sum(r["error"] == "" for r in rows)
    table = (out / "table.md").read_text()
    assert table.startswith("| loss | penalty | trainer | modes | quality") and table.count("\n") == 2 + 8
    assert "runs passed" in capsys.readouterr().out


def test_mistakes_are_one_line(tmp_path, capsys):
    assert main(["train", str(tmp_path / "missing.json")]) == 2
    assert main(["sweep", "--config", str(tiny_config(tmp_path)), "--losses", "wassersteen"]) == 2
    assert main(["train", str(ROOT / "configs" / "colorizer.json")]) == 2
    assert main(["train", str(tiny_config(tmp_path)), "--steps", "0"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 4 and all(line.startswith("error: ") for line in err)
    assert "unknown loss 'wassersteen'" in err[1] and "toy2d" in err[2]
