"""``python -m apps.colorizer VERB ...``: the shared CLI with the colorizer's parts."""

from __future__ import annotations

import sys
from pathlib import Path

from gancore.cli import App, main

ROOT = Path(__file__).resolve().parents[2]


def _demo(model: Path, device: str):
    from .demo import make_demo  # gradio is slow to import: only for the demo verb

    return make_demo(model, device)


def _processor(task, gen, cfg, args):
    from .infer import make_processor

    return make_processor(task, gen, cfg, args.device)


def _evaluate(model: Path, data_dir: Path, args) -> int:
    from .evaluate import evaluate

    return evaluate(model, data_dir, args)


APP = App(
    name="colorizer",
    summary="Colorize photos: train on your own pictures, colorize folders, or try the demo page.",
    default_config=ROOT / "configs" / "colorizer.json",
    default_model=ROOT / "assets" / "models" / "colorizer.safetensors",
    make_processor=_processor,
    make_demo=_demo,
    evaluate=_evaluate,
)

if __name__ == "__main__":
    sys.exit(main(APP))
