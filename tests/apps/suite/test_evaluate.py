"""``python -m apps eval``: every shipped model scored on a folder, tables, JSON and sheets written."""

from __future__ import annotations

import json
import subprocess
import sys

from PIL import Image

from apps.suite.models import shipped
from apps.suite.sheets import SHEET_PHOTOS
from tests.helpers import ROOT


def test_scores_every_shipped_model_and_writes_tables_json_and_sheets(tmp_path):
    data = tmp_path / "eval"
    data.mkdir()
    for name in (*SHEET_PHOTOS[:2], "lxqt-fog.jpg"):  # two sheet photos, one other; small for speed
        with Image.open(ROOT / "assets" / "eval" / name) as im:
            im.convert("RGB").resize((im.width * 320 // im.height, 320)).save(data / name, quality=95)
    out = tmp_path / "report"
    proc = subprocess.run([sys.executable, "-m", "apps", "eval", "--data", str(data), "--out", str(out),
                           "--peers", "none"], capture_output=True, text=True, cwd=ROOT, timeout=900)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    keys = [m.key for m in shipped()]
    assert {"colorizer", "inpainter", "superres-x4"} <= set(keys)
    results = json.loads((out / "results.json").read_text())
    assert list(results) == keys
    md = (out / "RESULTS.md").read_text()
    for key in keys:
        report = results[key]
        assert report["images"] == 3 and not report["failed"]
        assert f"## {key}" in md
        with Image.open(out / report["sheet"]) as sheet:
            assert sheet.height > 2 * 200  # one row per sheet photo found (two here)
            if key.endswith("-gan"):  # input, bicubic, the PSNR model it was tuned from, the GAN model, truth
                assert sheet.width == 5 * 200 + 4 * 4
    col = results["colorizer"]["mean"]
    assert f"| model | {col['model']['psnr']:.2f} |" in md  # the table shows the JSON's numbers
    assert f"{col['model']['psnr'] - col['gray']['psnr']:+.2f} dB" in md
    sr = results["superres-x4"]
    assert f"| bicubic | {sr['rows'][1]['psnr_y']:.3f} |" in md
    assert f"| **model** | {sr['rows'][0]['psnr_y']:.3f} |" in md
    assert set(sr["web"]["inputs"]) == {"clean", "jpeg75", "jpeg50"}  # the web-input rows, with BRISQUE
    assert all(r["brisque"] >= 0 for rows in sr["web"]["inputs"].values() for r in rows)
    assert "Web inputs, JPEG quality 75" in md
    inp = {(r["masks"], r["method"]) for r in results["inpainter"]["rows"]}
    sets = ("thin", "medium", "thick", "box", "blobs")
    assert inp == {(s, m) for s in sets for m in ("model", "pyramid", "telea", "ns")}
    assert all(r["texture"] is not None for r in results["inpainter"]["rows"] if r["masks"] in ("box", "blobs"))
    assert "BRISQUE" in md and "peers: not installed" not in md

    # one model again: its section is redone, the others are kept from the run above
    results["superres-x4"]["rows"][0]["psnr_y"] = 99.0  # a marker: kept means not recomputed
    (out / "results.json").write_text(json.dumps(results))
    proc = subprocess.run([sys.executable, "-m", "apps", "eval", "--data", str(data), "--out", str(out),
                           "--model", "inpainter", "--peers", "none"],
                          capture_output=True, text=True, cwd=ROOT, timeout=900)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    again = json.loads((out / "results.json").read_text())
    assert list(again) == keys and again["superres-x4"]["rows"][0]["psnr_y"] == 99.0
    untimed = [[{k: v for k, v in r.items() if k != "seconds_per_mp"} for r in x["inpainter"]["rows"]]
               for x in (again, results)]  # fmt: skip
    assert untimed[0] == untimed[1], "the same scores when recomputed"
    assert "| **model** | 99.000 |" in (out / "RESULTS.md").read_text()


def test_unknown_verb_and_unknown_model_are_one_line_errors(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "apps", "evl"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2 and "unknown verb 'evl'" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "apps", "eval", "--model", "nope", "--out", str(tmp_path)],
                          capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    assert proc.returncode == 2 and proc.stderr.strip() == "error: no shipped model matches ['nope']"
