"""``python -m apps.inpainter VERB ...``: the shared CLI with the inpainter's parts."""

from __future__ import annotations

import sys
from pathlib import Path

from gancore.app import App, lazy
from gancore.cli import main

ROOT = Path(__file__).resolve().parents[2]

APP = App(
    name="inpainter",
    title="Fill holes",
    summary="Fill holes in photos: train on your pictures, fill folders with masks, or paint masks in the demo.",
    default_config=ROOT / "configs" / "inpainter.json",
    default_model=ROOT / "assets" / "models" / "inpainter.safetensors",
    replay=ROOT / "assets" / "photos",
    make_processor=lazy("apps.inpainter.infer:make_processor"),
    make_demo=lazy("apps.inpainter.demo:make_demo"),  # gradio is slow to import
    add_run_arguments=lazy("apps.inpainter.options:add_run_arguments"),
    evaluate=lazy("apps.inpainter.evaluate:evaluate"),
    make_export=lazy("apps.inpainter.export:make_export"),
    example=ROOT / "assets" / "eval" / "gcompris-erase-toucan.jpg",
    add_eval_arguments=lazy("apps.inpainter.options:add_eval_arguments"),
)

if __name__ == "__main__":
    sys.exit(main(APP))
