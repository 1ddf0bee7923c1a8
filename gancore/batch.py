"""Batch processing of a folder: the shared behaviour of every app's ``run`` verb.

* the input tree is mirrored under OUT (``in/a/b.jpg`` -> ``out/a/b.png``);
* an output that already exists is skipped, so an interrupted run just continues;
* inputs are only read, never written; OUT may not be inside IN's files (it is excluded);
* a file that cannot be read or processed is named on stderr and the rest carries on;
* a summary at the end; the exit status is 0 only if every file succeeded.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image
from tqdm import tqdm

from .data import BadImage, list_images
from .errors import UserError


@dataclass
class BatchReport:
    done: list[Path] = field(default_factory=list)  # outputs written this run
    skipped: list[Path] = field(default_factory=list)  # outputs that already existed
    failed: list[tuple[Path, str]] = field(default_factory=list)  # (input, reason)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        rate = len(self.done) / self.seconds if self.seconds > 0 else 0.0
        text = (
            f"{len(self.done)} written, {len(self.skipped)} skipped (already done), "
            f"{len(self.failed)} failed in {self.seconds:.1f} s ({rate:.2f} images/s)"
        )
        if self.failed:
            text += "\nfailed:\n" + "\n".join(f"  {p}: {why}" for p, why in self.failed)
        return text


def output_path(src: Path, in_dir: Path, out_dir: Path, suffix: str = ".png") -> Path:
    return (out_dir / src.relative_to(in_dir)).with_suffix(suffix)


def save_atomic(image: Image.Image, path: Path) -> None:
    """Write via a temporary file and rename, so a killed run leaves no half-written output."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}{path.suffix}")
    try:
        image.save(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def process_folder(
    in_dir: Path, out_dir: Path, process: Callable[[Path], Image.Image], progress: bool = True
) -> BatchReport:
    """Apply ``process(input_path) -> output image`` to every image under ``in_dir``."""
    in_dir, out_dir = Path(in_dir), Path(out_dir)
    if not in_dir.is_dir():
        raise UserError(f"input folder not found: {in_dir}")
    if out_dir.resolve() == in_dir.resolve():
        raise UserError("OUT must differ from IN: inputs are never overwritten")
    out_res = out_dir.resolve()
    files = [p for p in list_images(in_dir) if out_res not in p.resolve().parents]
    report = BatchReport()
    start = time.perf_counter()
    for src in tqdm(files, unit="img", disable=not progress, dynamic_ncols=True):
        dst = output_path(src, in_dir, out_dir)
        if dst.exists():
            report.skipped.append(dst)
            continue
        try:
            save_atomic(process(src), dst)
        except BadImage as err:
            report.failed.append((src, str(err).split(": ", 1)[-1]))
            print(f"error: {err}", file=sys.stderr)
            continue
        report.done.append(dst)
    report.seconds = time.perf_counter() - start
    if not files:
        print(f"warning: no images under {in_dir}", file=sys.stderr)
    return report
