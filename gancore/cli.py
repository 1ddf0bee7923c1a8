"""The shared command line: every app gets the same verbs, so ``--help`` reads alike.

    python -m apps.<app> new NAME            write the default config to NAME.json to edit
    python -m apps.<app> train DATA_DIR      [--config] [--size] [--batch] [--steps] [--resume] [--out]
    python -m apps.<app> run IN_DIR OUT_DIR   batch-process a folder (mirrors sub-folders; skips done files)
    python -m apps.<app> demo                the Gradio page, on 127.0.0.1 unless told otherwise
    python -m apps.<app> eval DATA_DIR       metrics of a checkpoint against the classical baseline

The CLI only builds a config and calls the engine; a ``UserError`` is printed on one line
(``error: ...``) with exit status 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .app import App
from .errors import UserError
from .precision import PRECISIONS

MODEL_HELP = "a generator file, or the name of a shipped model (e.g. superres-x4-gan); default: {}"

if TYPE_CHECKING:  # the verbs import what they need: --help and usage errors load no torch, no gradio
    from .config import Config


def _parser(app: App) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"python -m apps.{app.name}", description=app.summary)
    sub = p.add_subparsers(dest="verb", required=True, metavar="VERB")

    new = sub.add_parser("new", help="write the default config to NAME.json to edit")
    new.add_argument("name", help="config name or path (.json is added)")

    tr = sub.add_parser("train", help="train on a folder of photos")
    tr.add_argument("data", type=Path, metavar="DATA_DIR", help="folder of training images (recursive)")
    tr.add_argument("--config", type=Path, help=f"JSON config (default: {app.default_config})")
    tr.add_argument("--size", type=int, help="training crop size in pixels")
    tr.add_argument("--batch", type=int, help="images per step")
    tr.add_argument("--steps", type=int, help="train until this step (with --resume: the new total)")
    tr.add_argument("--workers", type=int, help="data loader worker processes")
    tr.add_argument("--out", type=Path, help=f"run folder (default: runs/{app.name}-YYYYmmdd-HHMMSS)")
    tr.add_argument(
        "--resume",
        action="store_true",
        help="continue the run in --out (default: the newest run) from its last checkpoint",
    )
    tr.add_argument(
        "--init-generator",
        type=Path,
        metavar="MODEL",
        help="start G from a shipped model's name (e.g. superres-x2), a run folder, a generator file or "
        "checkpoint, or 'none' (from scratch). Default: a folder of at most 500 photos without --config "
        "fine-tunes the shipped model (gancore/finetune.py); otherwise from scratch",
    )
    tr.add_argument(
        "--val",
        metavar="DIR|none",
        help="held-out photos scored at every check (the best model is kept): a folder, or 'none'; "
        "default: a deterministic 15%% of DATA_DIR (near-duplicates kept together), never trained on",
    )
    tr.add_argument(
        "--replay",
        metavar="DIR|none",
        help="photos the start model knew, mixed into half of every batch so a fine-tune does not forget them "
        "(default for a fine-tune: the bundled assets/photos; 'none': your photos only)",
    )
    tr.add_argument(
        "--minutes",
        type=float,
        help="a time budget: steps, checks and the learning-rate schedule are fitted to it; the best model is kept",
    )
    tr.add_argument(
        "--threads", type=int, help="torch intra-op threads (default: the config's train.threads; 0: one per core)"
    )
    tr.add_argument("--device", help="cpu or cuda (default: cuda when present)")
    tr.add_argument("--dry-run", action="store_true", help="print both networks layer by layer and stop")
    tr.add_argument("--no-progress", action="store_true", help="no progress bar")

    run = sub.add_parser("run", help="process every image of a folder")
    run.add_argument("input", type=Path, metavar="IN_DIR", help="folder of images to process (recursive; only read)")
    run.add_argument("output", type=Path, metavar="OUT_DIR", help="where the PNG outputs go, mirroring IN_DIR's tree")
    run.add_argument("--model", type=Path, help=MODEL_HELP.format(app.default_model))
    run.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
    run.add_argument(
        "--precision",
        choices=PRECISIONS,
        default="auto",
        help="the model's arithmetic: auto = bf16 on CUDA (where supported), fp32 on the CPU",
    )
    run.add_argument(
        "--readers", type=int, help="threads decoding inputs ahead of the model (default 2; on CUDA 2-4 by cores)"
    )
    run.add_argument(
        "--writers", type=int, help="threads encoding and saving outputs (default 2; on CUDA 2-8 by cores)"
    )
    run.add_argument(
        "--max-pixels",
        type=int,
        help="the largest picture read, in pixels (default: Pillow's guard against decompression bombs, "
        "89,478,485); a bigger picture is named and skipped",
    )
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    if app.add_run_arguments:
        app.add_run_arguments(run)

    if app.evaluate:
        ev = sub.add_parser("eval", help="metrics of a model against the classical baseline")
        ev.add_argument("data", type=Path, metavar="DATA_DIR", help="folder of test images (recursive)")
        ev.add_argument("--model", type=Path, default=app.default_model, help=MODEL_HELP.format(app.default_model))
        ev.add_argument("--json", type=Path, help="also write the table as JSON here")
        ev.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
        if app.add_eval_arguments:
            app.add_eval_arguments(ev)

    if app.make_export is not None:
        ex = sub.add_parser("export", help="write the generator as ONNX and check it against PyTorch (onnxruntime)")
        ex.add_argument("output", type=Path, metavar="OUT.onnx", help="where the ONNX file goes")
        ex.add_argument("--model", type=Path, default=app.default_model, help=MODEL_HELP.format(app.default_model))
        ex.add_argument("--photo", type=Path, default=app.example, help=f"the check's photo (default: {app.example})")

    demo = sub.add_parser("demo", help="serve the Gradio demo page")
    demo.add_argument("--model", type=Path, default=app.default_model, help=MODEL_HELP.format(app.default_model))
    demo.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1: this machine only)")
    demo.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    demo.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
    return p


def _new(app: App, name: str) -> int:
    dst = Path(name if name.endswith(".json") else name + ".json")
    if dst.exists():
        raise UserError(f"{dst} exists; choose another name")
    shutil.copyfile(app.default_config, dst)
    print(f"wrote {dst}; train with: python -m apps.{app.name} train DATA_DIR --config {dst}")
    return 0


def _newest_run(app: App) -> Path:
    runs = sorted(Path("runs").glob(f"{app.name}-*"))
    if not runs:
        raise UserError(f"--resume: no runs/{app.name}-* folder; pass --out RUN")
    return runs[-1]


def _resume_config(run_dir: Path) -> Config:
    """The run's ``config.json``; if a kill left it missing or unreadable, the last checkpoint's copy."""
    from .config import config_from_dict, load_config
    from .engine.checkpoint import list_checkpoints, read_metadata

    path = run_dir / "config.json"
    try:
        return load_config(path)
    except (UserError, OSError, ValueError) as err:
        checkpoints = list_checkpoints(run_dir / "checkpoints")
        if not checkpoints:
            if not path.exists():
                raise UserError(f"--resume: {run_dir} has no config.json; is it a run folder?") from None
            raise
        print(f"warning: {path} is unreadable ({err}); using the config stored in {checkpoints[-1].name}",
              file=sys.stderr)  # fmt: skip
        return config_from_dict(json.loads(read_metadata(checkpoints[-1])["config"]))


def _train(app: App, a: argparse.Namespace) -> int:
    from .config import config_from_dict, config_to_dict
    from .engine import default_run_dir, train
    from .inspect import describe
    from .startup import check_size, held_out_split, start_config

    init = None
    if a.init_generator is not None:
        if a.resume:
            raise UserError("--init-generator starts a run; a resumed one continues from its checkpoint")
        if str(a.init_generator) != "none":
            init = _model(app, a.init_generator, "--init-generator")
    split = None
    if a.resume:
        if a.config:
            raise UserError("--resume continues with the run's own config.json; drop --config")
        if a.val is not None:
            raise UserError("--resume holds out the photos the run started with; drop --val")
        if a.replay is not None:
            raise UserError("--resume mixes in what the run started with; drop --replay")
        run_dir = a.out or _newest_run(app)
        cfg = _resume_config(run_dir)
        for flag, have, asked in (("--size", cfg.data.size, a.size), ("--batch", cfg.data.batch, a.batch)):
            if asked is not None and asked != have:  # another crop or batch breaks the exact resume
                raise UserError(f"--resume continues the run as it was ({flag} {have}); drop {flag} {asked}, "
                                "or start a new run (--init-generator RUN starts from its model)")  # fmt: skip
    else:
        split = held_out_split(a, init)
        run_dir = a.out or default_run_dir(app.name)
        cfg = start_config(app, a, init, split)
    if cfg.task.type != app.name:
        raise UserError(f"the config is for the {cfg.task.type} task, not {app.name}")
    for section, key, value in (
        ("train", "init_generator", str(init) if init else None),
        ("data", "size", a.size),
        ("data", "batch", a.batch),
        ("data", "workers", a.workers),
        ("train", "steps", a.steps),
        ("train", "minutes", a.minutes),
        ("train", "threads", a.threads),
        ("data", "replay", None if a.replay is None else "" if a.replay == "none" else str(Path(a.replay))),
    ):
        if value is not None:
            cfg = cfg.replace(section, **{key: value})
    cfg = config_from_dict(config_to_dict(cfg))  # re-validate with the overrides
    check_size(cfg)
    if a.dry_run:
        print(describe(cfg))
        return 0
    if a.minutes is not None and a.steps is None and not a.resume:
        cfg = cfg.replace("train", steps=10**9)  # the budget decides; --steps with --minutes caps it
    reference = app.default_model if app.default_model.is_file() else None
    result = train(cfg, a.data, run_dir, resume=a.resume, device=a.device, progress=not a.no_progress,
                   split=split, reference=reference)  # fmt: skip
    if int(os.environ.get("RANK", "0")) != 0:  # under torchrun, rank 0 reports for all
        return 0
    print(
        f"step {result.step}: checkpoint {result.checkpoint}\n"
        f"generator for run/demo: {result.generator}  (--model {run_dir})"
    )
    return 0


def _run(app: App, a: argparse.Namespace) -> int:
    from .batch import Pipeline, autocast, process_folder
    from .inference import load_generator

    auto = Pipeline.for_device(a.device)
    readers = auto.readers if a.readers is None else a.readers
    writers = auto.writers if a.writers is None else a.writers
    if readers < 0 or writers < 0:
        raise UserError(f"--readers and --writers must be 0 or more, got {readers} and {writers}")
    rank, world = int(os.environ.get("RANK", "0")), int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1 and str(a.device).startswith("cuda"):  # under torchrun: one GPU per process
        a.device = f"cuda:{os.environ.get('LOCAL_RANK', '0')}"
    from PIL import Image

    from .guards import check_output_folder

    if a.max_pixels is not None:
        if a.max_pixels < 1:
            raise UserError(f"--max-pixels must be 1 or more, got {a.max_pixels}")
        Image.MAX_IMAGE_PIXELS = a.max_pixels
    check_output_folder(a.output)  # before the model loads, not after it ran on every file
    if a.model is None:  # the app may pick by the other options (the shipped model of the asked factor)
        a.model = (app.model_for(a) if app.model_for else None) or app.default_model
    a.model = _model(app, a.model)  # the file, for the processor too (the upscaler's --strength finds its partner)
    task, gen, cfg = load_generator(a.model, a.device, task=app.name)
    process = app.make_processor(task, gen, cfg, a)
    pipeline = Pipeline.with_threads(readers, writers)
    progress = not a.no_progress and rank == 0
    with autocast(a.device, a.precision):  # the model runs in this thread (readers and writers only do I/O)
        report = process_folder(a.input, a.output, process, progress=progress, pipeline=pipeline, shard=(rank, world))
    if world > 1:
        report = _gather_reports(report)
    if rank == 0:
        print((f"{world} processes: " if world > 1 else "") + report.summary())
    return 0 if report.ok else 1


def _gather_reports(report):
    """Every process's report, merged (a gloo group over torchrun's processes, CPU or CUDA alike)."""
    import torch.distributed as dist

    from .batch import merge_reports

    dist.init_process_group("gloo")
    try:
        reports = [None] * dist.get_world_size()
        dist.all_gather_object(reports, report)
        return merge_reports(reports)
    finally:
        dist.destroy_process_group()


def _export(app: App, a: argparse.Namespace) -> int:
    import numpy as np

    from .data import read_rgb
    from .export import TOLERANCE, export_onnx
    from .inference import load_generator

    task, gen, cfg = load_generator(_model(app, a.model), "cpu", task=app.name)
    if a.photo is None or not a.photo.is_file():
        raise UserError(f"the check's photo not found: {a.photo}; pass --photo PATH")
    spec = app.make_export(task, gen, cfg, np.asarray(read_rgb(a.photo)))
    diff = export_onnx(spec, a.output)
    print(f"{spec.note}\nonnxruntime vs PyTorch on {a.photo.name}: largest difference {diff:.2e} (on [0, 1] images)")
    if diff > TOLERANCE:
        print(f"error: the difference is above {TOLERANCE}", file=sys.stderr)
        return 1
    return 0


def _model(app: App, path: Path, flag: str = "--model") -> Path:
    """``--model``: a file, a run folder, a run's name or a shipped model's name (``gancore/models.py``)."""
    from .models import resolve_model

    return resolve_model(path, app.default_model.parent, app.name, flag)


def _demo(app: App, a: argparse.Namespace) -> int:
    blocks = app.make_demo(_model(app, a.model), a.device)
    return serve(blocks, f"the {app.name} demo", a.host, a.port)


def serve(blocks: Any, what: str, host: str, port: int) -> int:
    """Launch a Gradio page: our own one-line address, no analytics, no hints the CLI cannot act on."""
    print(f"serving {what} at http://{host}:{port}", flush=True)
    blocks.launch(server_name=host, server_port=port, show_error=True, quiet=True)
    return 0


def main(app: App, argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run one verb; returns the exit status."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # the demos never phone home
    a = _parser(app).parse_args(argv)
    try:
        if a.verb == "new":
            return _new(app, a.name)
        if a.verb == "train":
            return _train(app, a)
        if a.verb == "run":
            return _run(app, a)
        if a.verb == "export":
            return _export(app, a)
        if a.verb == "eval":
            return app.evaluate(_model(app, a.model), a.data, a)
        return _demo(app, a)
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; --resume continues a training run from its last checkpoint", file=sys.stderr)
        return 130
