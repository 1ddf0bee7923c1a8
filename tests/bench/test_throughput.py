"""The bench's pure logic: app discovery, ratios against the targets, the tables, the JSON file.

No test here measures time: the numbers below are made up.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.measure import Options, bench_config, load_app
from bench.throughput import (
    TARGETS,
    default_config_exists,
    discover_apps,
    finish_row,
    format_table,
    markdown_table,
    parse,
    ratio,
    threads_for,
    write_results,
)

TRAIN = {"app": "colorizer", "phase": "train", "setting": "batch 8, 128 px", "pipeline_ips": 9.0, "ceiling_ips": 10.0}
RUN = {"app": "superres", "phase": "run", "setting": "12 photos", "pipeline_ips": 0.5, "ceiling_ips": 0.5}


def rows() -> list[dict]:
    return [
        finish_row({**TRAIN, "peak_mb": 812.4}),
        finish_row({**RUN, "pipeline_mpx_s": 0.0128, "peak_mb": 300.0}),
        finish_row({"app": "inpainter", "phase": "run", "error": "ValueError: boom"}),
    ]


def test_discover_apps():
    apps = discover_apps()
    assert {"colorizer", "superres"} <= set(apps) and apps == sorted(apps)
    assert default_config_exists("colorizer") and not default_config_exists("no-such-app")
    assert load_app("colorizer").name == "colorizer"


def test_ratio_and_targets():
    train, run, failed = rows()
    assert ratio(TRAIN) == pytest.approx(0.9) and ratio({**TRAIN, "ceiling_ips": 0}) == 0.0
    assert train["ratio"] == 0.9 and train["target"] == TARGETS["train"] == 0.85 and train["meets"]
    assert run["ratio"] == 1.0 and run["target"] == 0.90 and run["meets"]
    assert not finish_row({**RUN, "pipeline_ips": 0.4})["meets"], "0.80 < 0.90"
    assert failed == {"app": "inpainter", "phase": "run", "error": "ValueError: boom"}


def test_tables():
    text = format_table(rows(), "cpu (test)")
    lines = text.splitlines()
    assert lines[0] == "cpu (test)" and lines[1].split()[:3] == ["app", "phase", "setting"]
    assert "0.90" in lines[2] and ">= 0.85 ok" in lines[2] and lines[2].rstrip().endswith("812")
    assert "0.013" in lines[3] and "not measured: ValueError: boom" in lines[4]
    md = markdown_table([*rows()[:2], finish_row({**RUN, "pipeline_ips": 0.4, "peak_mb": 1.0})]).splitlines()
    assert md[0].startswith("| app |") and len(md) == 5 and "**miss**" in md[4] and "**miss**" not in md[3]


def test_write_results(tmp_path):
    path = tmp_path / "results" / "throughput-cpu.json"
    write_results(path, "cpu", rows(), {"torch": "x", "targets": TARGETS})
    data = json.loads(path.read_text())
    assert data["device"] == "cpu" and data["torch"] == "x" and len(data["rows"]) == 3
    assert data["rows"][0]["ratio"] == 0.9 and not list(path.parent.glob(".*tmp"))


def test_bench_config_on_a_tiny_app(tmp_path):
    """The bench's config: the app's default with its step counts, ticks dividing warm-up and timed steps."""
    opts = Options(
        steps=6, warmup=2, batch=None, batch_cap=8, workers=0, threads=None, run_images=2, run_side=64, tmp=tmp_path
    )
    cfg, tick = bench_config(load_app("colorizer"), opts)
    assert tick == 2 and cfg.train.steps == 8 and cfg.train.log_every == 2
    assert cfg.train.sample_every == cfg.train.checkpoint_every == 8, "samples and checkpoints only after the last tick"
    assert cfg.data.batch == 8 and cfg.data.workers == 0, "the default colorizer batch (16) capped at 8"
    cfg, _ = bench_config(load_app("colorizer"), Options(**{**opts.__dict__, "batch": 4, "workers": None}))
    assert cfg.data.batch == 4 and cfg.data.workers == 2


def test_parse_defaults():
    a = parse([])
    assert a.phases == ["train", "run"] and a.apps is None and not a.child


def test_threads(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert threads_for("cpu", parse([])) == 1, "one core left to the input pipeline"
    assert threads_for("cuda", parse([])) is None
    assert threads_for("cpu", parse(["--threads", "0"])) is None, "0: torch's default"
    assert threads_for("cpu", parse(["--threads", "3"])) == 3


def test_a_candidate_config_is_timed_with_its_own_untrained_network(tmp_path):
    """The `run` row of a candidate (CANDIDATES) uses that config's network, not the shipped model."""
    from bench.measure import measure_run
    from bench.throughput import CANDIDATES
    from gancore.config import load_config
    from gancore.gan import build_generator

    config = Path(CANDIDATES["inpainter"][0])
    opts = Options(1, 0, None, None, None, 1, 2, 96, tmp_path, config)
    row = measure_run("inpainter", "cpu", opts)
    _, gen = build_generator(load_config(config))
    assert row["weights"] == f"{config.name}, untrained"
    assert row["parameters"] == sum(t.numel() for t in gen.parameters())
    assert row["images"] == 2 and row["pipeline_ips"] > 0
