"""``python -m apps.inpainter VERB ...``: the shared CLI with the inpainter's parts."""

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

    return make_processor(task, gen, cfg, args)


def _run_arguments(p) -> None:
    from .infer import add_run_arguments

    add_run_arguments(p)


def _evaluate(model: Path, data_dir: Path, args) -> int:
    from .evaluate import evaluate

    return evaluate(model, data_dir, args)


def _eval_arguments(p) -> None:
    from .evaluate import add_eval_arguments

    add_eval_arguments(p)


APP = App(
    name="inpainter",
    summary="Fill holes in photos: train on your pictures, fill folders with masks, or paint masks in the demo.",
    default_config=ROOT / "configs" / "inpainter.json",
    default_model=ROOT / "assets" / "models" / "inpainter.safetensors",
    make_processor=_processor,
    make_demo=_demo,
    add_run_arguments=_run_arguments,
    evaluate=_evaluate,
    add_eval_arguments=_eval_arguments,
)

if __name__ == "__main__":
    sys.exit(main(APP))
