"""The training loop with held-out photos: scores at step 0 and every check, the best model kept as
``generator.safetensors``, a report with a verdict, the same best after a resume, early stops."""

from __future__ import annotations

import argparse
import json
import shutil

from PIL import Image
from safetensors import safe_open

from gancore.data.split import no_split, split_folder
from gancore.engine import train
from gancore.engine.checkpoint import read_metadata
from gancore.engine.plan import held_out
from gancore.startup import held_out_split
from tests.helpers import ROOT, log_ticks

PHOTOS = ROOT / "assets" / "photos"


def _meta_step(path) -> int:
    return int(read_metadata(path)["step"])


def _weights(path):
    with safe_open(str(path), framework="pt") as f:
        return {k: f.get_tensor(k) for k in f.keys()}


def test_checks_keep_the_best_and_report_it(tmp_path, tiny_config, small_photos, capsys):
    run = tmp_path / "run"
    cfg = tiny_config.replace("train", steps=6, checkpoint_every=2)
    train(cfg, small_photos, run, progress=False)
    split = split_folder(small_photos)
    report = json.loads((run / "report.json").read_text())
    rel = [p.relative_to(small_photos).as_posix() for p in split.val]
    assert report["validation"] == rel and json.loads((run / "validation.json").read_text())["validation"] == rel
    assert set(report["scores"]) >= {"baseline", "start", "best", "last"} and report["headline"] == "psnr"
    assert report["better"] == "higher"
    history = report["history"]
    assert [h["step"] for h in history] == [0, 2, 4, 6]
    best = max(history, key=lambda h: (h["psnr"], -h["step"]))
    assert report["best_step"] == best["step"] and report["scores"]["best"]["psnr"] == best["psnr"]
    assert report["kept"] == ("start" if best["step"] == 0 else f"step {best['step']}")
    assert _meta_step(run / "generator.safetensors") == best["step"], "generator.safetensors is the best"
    assert _meta_step(run / "generator-last.safetensors") == 6
    assert report["verdict"].startswith(("beats", "did not beat"))
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    checks = [r["step"] for r in rows if "val/psnr" in r]
    assert checks == [0, 2, 4, 6] and "val_baseline/psnr" in rows[0]
    assert (run / "report.png").is_file()
    printed = capsys.readouterr().out
    others = [k for k in report["scores"]["start"] if k != "psnr"]
    line = [ln for ln in printed.splitlines() if ln.startswith("the other measures, start -> kept: ")]
    if report["best_step"]:  # the measures the rule did not choose by, start -> kept, for the user to see
        s, b = report["scores"]["start"], report["scores"]["best"]
        assert others and line == ["the other measures, start -> kept: " + ", ".join(
            f"{k} {s[k]:.3f} -> {b[k]:.3f}" for k in others)]  # fmt: skip
    else:
        assert line == [], "the start kept: nothing changed to show"


def test_a_resumed_run_keeps_the_same_best_model_and_score(tmp_path, tiny_config, small_photos):
    cfg = tiny_config.replace("train", steps=6, checkpoint_every=2)
    train(cfg, small_photos, tmp_path / "straight", progress=False)
    train(cfg.replace("train", steps=4), small_photos, tmp_path / "cut", progress=False)
    (tmp_path / "cut" / "metrics.jsonl").open("a").write('{"step": 5, "g_loss": 1.0}\n')  # logged, then killed
    train(cfg, small_photos, tmp_path / "cut", resume=True, progress=False)
    a, b = (json.loads((tmp_path / r / "report.json").read_text()) for r in ("straight", "cut"))
    assert a["best_step"] == b["best_step"] and a["scores"] == b["scores"] and a["history"] == b["history"]
    wa, wb = (
        _weights(tmp_path / "straight" / "generator.safetensors"),
        _weights(tmp_path / "cut" / "generator.safetensors"),
    )
    assert all((wa[k] - wb[k]).abs().max() < 1e-6 for k in wa)
    steps = [json.loads(line)["step"] for line in (tmp_path / "cut" / "metrics.jsonl").read_text().splitlines()]
    straight = [json.loads(line)["step"] for line in (tmp_path / "straight" / "metrics.jsonl").read_text().splitlines()]
    assert steps == straight, "no row twice after a resume"


def test_a_destructive_fine_tune_keeps_its_start_and_stops(tmp_path, tiny_config, small_photos, capsys):
    first = train(tiny_config.replace("train", steps=8), small_photos, tmp_path / "first", progress=False)
    wreck = tiny_config.replace("train", steps=40, checkpoint_every=2, init_generator=str(first.generator),
                                stop_drop=0.5)  # fmt: skip
    from gancore.config import config_from_dict, config_to_dict

    data = config_to_dict(wreck)
    data["trainer"]["g_learn_rate"] = 0.5  # a rate that wrecks G
    result = train(config_from_dict(data), small_photos, tmp_path / "wreck", progress=False)
    report = json.loads((tmp_path / "wreck" / "report.json").read_text())
    assert report["kept"] == "start" and report["best_step"] == 0
    assert "did not beat the start model" in report["verdict"] and report["verdict"].endswith("kept it")
    assert result.step < 40, "stopped early"
    assert "at two checks in a row" in capsys.readouterr().out
    start, kept = _weights(first.generator), _weights(tmp_path / "wreck" / "generator.safetensors")
    assert all((start[k] == kept[k]).all() for k in start), "generator.safetensors holds the start's weights"


def test_a_start_with_a_new_head_is_never_kept(tmp_path, tiny_dict, small_photos, capsys):
    """An a*b* model starting a bins model: its last layer is random, so however the checks go, the start
    (which would colour nothing) is not what generator.safetensors holds, and the verdict says why."""
    import copy

    from gancore.config import config_from_dict

    first = train(config_from_dict(tiny_dict).replace("train", steps=4), small_photos, tmp_path / "ab", progress=False)
    d = copy.deepcopy(tiny_dict)
    d["task"] = {"type": "colorizer", "head": "bins", "bins": 5}
    d["generator"]["layers"] = [*d["generator"]["layers"][:-2], "conv 25 filter=1"]
    d["reconstruction"] = {"type": "soft_bins"}
    d["trainer"]["g_learn_rate"] = 0.5  # every check far worse than the start would be
    d["train"].update(steps=6, checkpoint_every=2, init_generator=str(first.generator), stop_drop=0)
    train(config_from_dict(d), small_photos, tmp_path / "bins", progress=False)
    report = json.loads((tmp_path / "bins" / "report.json").read_text())
    assert report["kept"] != "start" and report["best_step"] > 0
    assert report["start"].endswith("(some layers started fresh)")
    assert _meta_step(tmp_path / "bins" / "generator.safetensors") == report["best_step"]
    assert "a new head" in capsys.readouterr().err


def test_without_held_out_photos_the_last_model_is_kept_unchecked(tmp_path, tiny_config, small_photos):
    run = tmp_path / "run"
    train(tiny_config, small_photos, run, progress=False, split=no_split(small_photos))
    assert not (run / "report.json").exists() and not (run / "generator-last.safetensors").exists()
    assert _meta_step(run / "generator.safetensors") == 4
    assert all("val/psnr" not in line for line in (run / "metrics.jsonl").read_text().splitlines())


def test_a_discriminator_that_wins_outright_stops_the_run(tmp_path, tiny_config, small_photos, capsys):
    from gancore.config import config_from_dict, config_to_dict

    data = config_to_dict(tiny_config.replace("train", steps=80, checkpoint_every=4, log_every=4, stop_drop=0))
    data["trainer"]["g_learn_rate"] = 0.0  # G stands still: D learns to tell its output from the photos
    data["trainer"]["d_learn_rate"] = 0.05
    result = train(config_from_dict(data), small_photos, tmp_path / "run", progress=False)
    out = capsys.readouterr().out
    assert "the discriminator wins outright" in out and result.step < 80
    ticks = [r for r in log_ticks(tmp_path / "run") if "d_real" in r][-3:]
    assert sum(r["d_real"] - r["d_fake"] for r in ticks) / 3 > 0.9  # least squares, labels 0 and 1
    assert (tmp_path / "run" / "report.json").is_file(), "the run still ends with its report and the best model"


def test_a_run_started_from_another_runs_model_holds_out_what_that_run_held_out(tmp_path, small_photos, capsys):
    data = tmp_path / "data"
    shutil.copytree(small_photos, data)
    first = held_out(tmp_path / "run-a", data, None, resume=False, seed=0, write=True)
    for src in sorted(PHOTOS.glob("*.jpg"))[6:12]:  # the folder grows
        with Image.open(src) as im:
            im.convert("RGB").resize((96, 64)).save(data / src.name)
    a = argparse.Namespace(val=None, data=data)
    s = held_out_split(a, tmp_path / "run-a" / "generator.safetensors")
    assert set(first.val) <= set(s.val) and not set(s.val) & set(first.train), "never a photo run-a trained on"
    assert "run-a's model was checked on" in s.note
    from_checkpoint = held_out_split(a, tmp_path / "run-a" / "checkpoints" / "step-000010.safetensors")
    assert from_checkpoint.val == s.val
    assert held_out_split(a, None).val == split_folder(data).val, "a new run: the default split"
    assert held_out_split(a, ROOT / "assets" / "models" / "colorizer.safetensors").val == split_folder(data).val
    (tmp_path / "run-a" / "validation.json").write_text("{")
    assert held_out_split(a, tmp_path / "run-a" / "generator.safetensors").val == split_folder(data).val
    assert "validation.json is unreadable" in capsys.readouterr().out
