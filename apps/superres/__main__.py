"""``python -m apps.superres VERB ...``: the shared CLI with the upscaler's parts."""

from __future__ import annotations

import sys
from pathlib import Path

from gancore.app import App, lazy
from gancore.cli import main

ROOT = Path(__file__).resolve().parents[2]

APP = App(
    name="superres",
    title="Upscale",
    summary="Upscale photos x2/x3/x4: train on your own pictures, upscale folders of any size, or try the demo page.",
    default_config=ROOT / "configs" / "superres.json",
    default_model=ROOT / "assets" / "models" / "superres-x4.safetensors",
    replay=ROOT / "assets" / "photos",
    make_processor=lazy("apps.superres.infer:make_processor"),
    make_demo=lazy("apps.superres.demo:make_demo"),  # gradio is slow to import
    add_run_arguments=lazy("apps.superres.options:add_run_arguments"),
    evaluate=lazy("apps.superres.evaluate:evaluate"),
    make_export=lazy("apps.superres.export:make_export"),
    example=ROOT / "assets" / "eval" / "gcompris-erase-toucan.jpg",
    add_eval_arguments=lazy("apps.superres.options:add_eval_arguments"),
    model_for=lazy("apps.superres.models:for_scale_option"),
)

if __name__ == "__main__":
    sys.exit(main(APP))
