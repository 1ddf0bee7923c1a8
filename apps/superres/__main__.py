"""``python -m apps.superres VERB ...``: the shared CLI with the upscaler's parts."""

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


def _evaluate(model: Path, data_dir: Path, args) -> int:
    from .evaluate import evaluate

    return evaluate(model, data_dir, args)


def _run_arguments(parser) -> None:
    from .infer import add_run_arguments

    add_run_arguments(parser)


def _eval_arguments(parser) -> None:
    from .evaluate import add_eval_arguments

    add_eval_arguments(parser)


APP = App(
    name="superres",
    summary="Upscale photos x2/x3/x4: train on your own pictures, upscale folders of any size, or try the demo page.",
    default_config=ROOT / "configs" / "superres.json",
    default_model=ROOT / "assets" / "models" / "superres-x4.safetensors",
    make_processor=_processor,
    make_demo=_demo,
    add_run_arguments=_run_arguments,
    evaluate=_evaluate,
    add_eval_arguments=_eval_arguments,
)

if __name__ == "__main__":
    sys.exit(main(APP))
