"""``python -m apps.colorizer VERB ...``: the shared CLI with the colorizer's parts."""

from __future__ import annotations

import sys
from pathlib import Path

from gancore.app import App, lazy
from gancore.cli import main

ROOT = Path(__file__).resolve().parents[2]

APP = App(
    name="colorizer",
    title="Colorize",
    summary="Colorize photos: train on your own pictures, colorize folders, or try the demo page.",
    default_config=ROOT / "configs" / "colorizer.json",
    default_model=ROOT / "assets" / "models" / "colorizer.safetensors",
    replay=ROOT / "assets" / "photos",
    make_processor=lazy("apps.colorizer.infer:make_processor"),
    add_run_arguments=lazy("apps.colorizer.options:add_run_arguments"),
    add_eval_arguments=lazy("apps.colorizer.options:add_eval_arguments"),
    make_demo=lazy("apps.colorizer.demo:make_demo"),  # gradio is slow to import
    evaluate=lazy("apps.colorizer.evaluate:evaluate"),
    make_export=lazy("apps.colorizer.export:make_export"),
    example=ROOT / "assets" / "eval" / "gcompris-erase-toucan.jpg",
)

if __name__ == "__main__":
    sys.exit(main(APP))
