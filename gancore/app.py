"""What an app plugs into the shared command line (``App``), and ``lazy`` for naming its parts
without importing them.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config import Config


def lazy(target: str) -> Callable[..., Any]:
    """``"package.module:function"`` as a callable that imports its module on the first call.

    Apps name their parts this way, so ``--help`` and ``train`` never import gradio or an
    evaluation stack they do not use.
    """
    module, _, name = target.partition(":")

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__qualname__ = call.__name__ = f"lazy({target})"
    return call


@dataclass(frozen=True)
class App:
    """What an app plugs into the shared CLI."""

    name: str  # e.g. "colorizer": the task type, and the prefix of run folders
    summary: str  # one line for --help
    default_config: Path  # configs/<app>.json
    default_model: Path  # assets/models/<app>.safetensors
    make_processor: Callable[[Any, Any, Config, argparse.Namespace], Callable[[Path], Any]]  # (task, G, cfg, args)
    make_demo: Callable[[Path, str], Any]  # (model path, device) -> gradio Blocks
    add_run_arguments: Callable[[argparse.ArgumentParser], None] | None = None  # app-specific `run` options
    evaluate: Callable[[Path, Path, argparse.Namespace], int] | None = None  # (model, data dir, args) -> status
    add_eval_arguments: Callable[[argparse.ArgumentParser], None] | None = None  # app-specific `eval` options
    title: str = ""  # its tab on the suite's demo page ("Colorize", ...); default: the name
    make_export: Callable[..., Any] | None = None  # (task, G, cfg, rgb) -> gancore.export.Exportable
    example: Path | None = None  # a real photo for export's check
    replay: Path | None = None  # photos the shipped models trained on, mixed into a fine-tune (assets/photos)
    model_for: Callable[[argparse.Namespace], Path | None] | None = None  # `run`'s model when --model is not
    # given, from its other options (the upscaler: the shipped model of the --scale asked); None: the default
