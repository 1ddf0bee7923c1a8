"""Batch processing of a folder: the shared behaviour of every app's ``run`` verb.

* the input tree is mirrored under OUT (``in/a/b.jpg`` -> ``out/a/b.png``); inputs that would
  share an output (``b.jpg`` and ``b.png``) keep their extension in its name (``b.jpg.png``, ``b.png.png``);
* an output that already exists is skipped, so an interrupted run just continues;
* inputs are only read, never written; OUT may not be inside IN's files (it is excluded);
* a file that cannot be read or processed is named on stderr and the rest carries on;
* a summary at the end (images/s, input megapixels/s); the exit status is 0 only if every file succeeded.

Reading, the model and writing overlap, a small pipeline of threads::

    reader threads (decode, ``prefetch`` ahead) -> main thread (the model) -> writer threads (PNG, atomic save)

A processor is either a plain ``path -> PIL.Image`` callable (it then reads in the main thread), or
a ``Processor``: ``load(path) -> item`` runs in the reader threads (decoding; raises ``BadImage``)
and ``item -> PIL.Image`` in the main thread (the model; CUDA and autocast state stay in one thread).
Decoders (Pillow, OpenCV) and zlib release the GIL, so the threads really run beside the model.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from PIL import Image
from tqdm import tqdm

from .data import BadImage, list_images
from .data.images import EXTENSIONS
from .errors import BadOutput, UserError
from .guards import check_output_folder, out_of_memory, refuse_overwrites, remove_stale_outputs
from .precision import PRECISIONS

# zlib's run-length strategy for written PNGs: on photos about 4x faster to encode than Pillow's
# default (level 6, default strategy) for files within 2% of its size (smaller for upscaled ones)
PNG_OPTIONS = {"compress_type": zlib.Z_RLE, "compress_level": 6}


@runtime_checkable
class Processor(Protocol):
    """The split form of a processor: decoding apart from the model, so the two overlap."""

    def load(self, path: Path) -> Any:
        """Read and decode ``path`` (reader threads, several at once); raises ``BadImage``."""
        ...

    def __call__(self, item: Any) -> Image.Image:
        """The model on one loaded item (main thread) -> the output picture."""
        ...


@dataclass(frozen=True)
class Pipeline:
    """How many threads read and write around the model (0: that stage runs in the main thread)."""

    readers: int = 2  # decoding threads
    prefetch: int = 4  # inputs read ahead of the model at most (bounds memory)
    writers: int = 2  # PNG-encoding threads; at most writers + 1 outputs wait in memory

    def __post_init__(self):
        if self.readers < 0 or self.writers < 0 or self.prefetch < 1:
            raise ValueError(f"readers and writers must be >= 0 and prefetch >= 1. Got {self}")

    @classmethod
    def with_threads(cls, readers: int, writers: int) -> Pipeline:
        """``readers`` and ``writers`` threads, reading ahead two inputs per reader (at least one)."""
        return cls(readers=readers, prefetch=max(1, 2 * readers), writers=writers)

    @classmethod
    def for_device(cls, device: str, cores: int | None = None) -> Pipeline:
        """The ``run`` verb's default for a device. On the CPU the model is the slow stage, and two
        readers and two writers keep up with it. Beside a GPU they do not: on an H200 with 16
        cores `run` went at 31 photos/s of 0.7 MP with two writers (PNG encoding, tens of ms a
        photo) while the model alone did 67, so on CUDA the threads grow with the cores: a
        quarter of them reading (2-4) and half writing (2-8)."""
        if not str(device).startswith("cuda"):
            return cls()
        cores = cores or os.cpu_count() or 2
        return cls.with_threads(min(max(cores // 4, 2), 4), min(max(cores // 2, 2), 8))


SEQUENTIAL = Pipeline(readers=0, prefetch=1, writers=0)  # one file at a time, all in the main thread


@dataclass
class BatchReport:
    done: list[Path] = field(default_factory=list)  # outputs written this run (sorted)
    skipped: list[Path] = field(default_factory=list)  # outputs that already existed
    failed: list[tuple[Path, str]] = field(default_factory=list)  # (input, reason), sorted
    seconds: float = 0.0  # wall time of the whole run
    pixels: int = 0  # input pixels of the written files

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        rate = len(self.done) / self.seconds if self.seconds > 0 else 0.0
        mpx = self.pixels / 1e6 / self.seconds if self.seconds > 0 else 0.0
        text = (
            f"{len(self.done)} written, {len(self.skipped)} skipped (already done), "
            f"{len(self.failed)} failed in {self.seconds:.1f} s ({rate:.2f} images/s, {mpx:.2f} input megapixels/s)"
        )
        if self.failed:
            text += "\nfailed:\n" + "\n".join(f"  {p}: {why}" for p, why in self.failed)
        return text


def output_path(src: Path, in_dir: Path, out_dir: Path, suffix: str = ".png") -> Path:
    return (out_dir / src.relative_to(in_dir)).with_suffix(suffix)


def save_atomic(image: Image.Image, path: Path) -> None:
    """Write via a temporary file and rename, so a killed run leaves no half-written output."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}{path.suffix}")
    try:
        image.save(tmp, **(PNG_OPTIONS if path.suffix.lower() == ".png" else {}))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def resolve_precision(device: str, precision: str = "auto") -> str:
    """``auto`` -> ``bf16`` on a CUDA device that supports it, else ``fp32``; others are kept."""
    if precision not in PRECISIONS:
        raise UserError(f"--precision {precision}: valid: {', '.join(PRECISIONS)}")
    if precision != "auto":
        return precision
    import torch

    cuda = str(device).startswith("cuda") and torch.cuda.is_available()
    return "bf16" if cuda and torch.cuda.is_bf16_supported() else "fp32"


def autocast(device: str, precision: str = "auto") -> contextlib.AbstractContextManager:
    """The model's precision for the calling thread: bf16 autocast, or nothing for fp32."""
    if resolve_precision(device, precision) == "fp32":
        return contextlib.nullcontext()
    import torch

    return torch.autocast(device_type=str(device).split(":")[0], dtype=torch.bfloat16)


class _Plain:
    """A ``path -> image`` callable as a ``Processor``: it reads in the main thread."""

    def __init__(self, fn: Callable[[Path], Image.Image]):
        self.fn = fn

    def load(self, path: Path) -> Path:
        return path

    def __call__(self, path: Path) -> Image.Image:
        return self.fn(path)


def as_processor(process: Processor | Callable[[Path], Image.Image]) -> Processor:
    return process if isinstance(process, Processor) else _Plain(process)


class _Inline(Executor):
    """An executor that runs each task at once in the calling thread (a stage with 0 threads)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as err:  # handed to whoever reads the future, as a thread pool would
            fut.set_exception(err)
        return fut


def _pool(threads: int, name: str) -> Executor:
    return ThreadPoolExecutor(threads, thread_name_prefix=name) if threads else _Inline()


def input_pixels(path: Path) -> int:
    """Width x height from the file's header (0 if it has none); decodes nothing."""
    try:
        with Image.open(path) as img:
            return img.width * img.height
    except Exception:  # the processor names unreadable files; the count is only for the summary
        return 0


def _load(proc: Processor, path: Path) -> tuple[Any, int]:
    item = proc.load(path)  # a BadImage stops here, before the header read
    return item, input_pixels(path)


def output_paths(files: list[Path], in_dir: Path, out_dir: Path) -> dict[Path, Path]:
    """Each input's output. Inputs that would share one (``a.jpg`` and ``a.png`` -> ``a.png``) keep
    their own extension in the name instead (``a.jpg.png``, ``a.png.png``), so every file is processed."""
    plain = {src: output_path(src, in_dir, out_dir) for src in files}
    count: dict[Path, list[Path]] = {}
    for src, dst in plain.items():
        count.setdefault(dst, []).append(src)
    out = {}
    for dst, sources in count.items():
        if len(sources) == 1:
            out[sources[0]] = dst
            continue
        names = ", ".join(str(s.relative_to(in_dir)) for s in sources)
        print(f"warning: {names} would all be written as {dst.name}: each keeps its extension "
              f"({', '.join(s.name + '.png' for s in sources)})", file=sys.stderr)  # fmt: skip
        for src in sources:
            out[src] = dst.with_name(src.name + ".png")
    return out


def broken_links(root: Path) -> list[Path]:
    """Symbolic links with an image name under ``root`` whose target does not resolve (missing, a loop)."""
    found = []
    for p in root.rglob("*"):
        hidden = any(part.startswith(".") for part in p.relative_to(root).parts)
        if p.suffix.lower() in EXTENSIONS and p.is_symlink() and not p.exists() and not hidden:
            found.append(p)
    return sorted(found)


def _todo(outputs: dict[Path, Path], report: BatchReport, shard: tuple[int, int] = (0, 1)) -> list[tuple[Path, Path]]:
    """(input, output) pairs still to do (this shard's: every ``world``-th from ``rank``); inputs
    whose output exists are skipped."""
    rank, world = shard
    todo = []
    for src, dst in list(outputs.items())[rank::world]:
        if dst.exists():
            report.skipped.append(dst)
            continue
        todo.append((src, dst))
    return todo


def process_folder(
    in_dir: Path,  # the input tree (read only)
    out_dir: Path,  # the mirrored output tree
    process: Processor | Callable[[Path], Image.Image],  # see the module docstring
    progress: bool = True,  # show the progress bar
    pipeline: Pipeline = Pipeline(),  # threads around the model; SEQUENTIAL runs one file at a time
    shard: tuple[int, int] = (0, 1),  # (rank, processes): this process takes every processes-th file
) -> BatchReport:
    """Apply ``process`` to every image under ``in_dir``, writing ``out_dir/<same path>.png``.

    With ``shard=(r, n)`` the process handles the files at positions ``r, r + n, ...`` of the sorted
    list, so ``n`` processes together do each file once (``merge_reports`` joins their reports)."""
    in_dir, out_dir = Path(in_dir), Path(out_dir)
    if not in_dir.is_dir():
        raise UserError(f"input folder not found: {in_dir}")
    if out_dir.resolve() == in_dir.resolve():
        raise UserError("OUT must differ from IN: inputs are never overwritten")
    out_res, in_res = out_dir.resolve(), in_dir.resolve()
    files = list_images(in_dir)
    if in_res in out_res.parents:  # OUT inside IN: its outputs are not inputs (a rerun skips them)
        files = [p for p in files if out_res not in p.resolve().parents]
    outputs = output_paths(files, in_dir, out_dir)  # once: checked here, then the work list
    refuse_overwrites(outputs, in_dir)
    check_output_folder(out_dir)
    if shard[0] == 0:
        for path in remove_stale_outputs(out_dir):
            print(f"removed {path}, left by an interrupted run", file=sys.stderr)
    proc = as_processor(process)
    report = BatchReport()
    for link in broken_links(in_dir) if shard[0] == 0 else []:  # named once, by the first process
        _fail(report, link, "a broken symbolic link (its target is missing or a loop)", f"{link}: broken symbolic link")
    start = time.perf_counter()
    share = len(range(shard[0], len(files), shard[1]))
    bar = tqdm(total=share, unit="img", disable=not progress, dynamic_ncols=True)
    try:
        todo = _todo(outputs, report, shard)
        bar.update(len(report.skipped))
        for _ in _run_pipeline(proc, todo, pipeline, report):
            bar.update(1)
    finally:
        bar.close()
    report.seconds = time.perf_counter() - start
    report.done.sort()
    report.failed.sort()
    if not files and shard[0] == 0:
        print(f"warning: no images under {in_dir}", file=sys.stderr)
    return report


def merge_reports(reports: list[BatchReport]) -> BatchReport:
    """The reports of the processes of one sharded run as one (the run's wall time: the slowest's)."""
    merged = BatchReport(seconds=max((r.seconds for r in reports), default=0.0))
    for r in reports:
        merged.done += r.done
        merged.skipped += r.skipped
        merged.failed += r.failed
        merged.pixels += r.pixels
    merged.done.sort()
    merged.skipped.sort()
    merged.failed.sort()
    return merged


def _fail(report: BatchReport, src: Path, reason: str, message: str) -> None:
    report.failed.append((src, reason))
    print(f"error: {message}", file=sys.stderr)


def _run_pipeline(proc: Processor, todo: list[tuple[Path, Path]], p: Pipeline, report: BatchReport) -> Iterator[None]:
    """Read ahead, run the model, write behind; yields once per finished file (for the progress bar)."""
    reads: deque[tuple[Path, Path, Future]] = deque()  # (input, output, future (item, pixels)), in order
    writes: deque[tuple[Path, Path, int, Future]] = deque()  # (input, output, pixels, future None)
    queue = iter(todo)
    readers, writers = _pool(p.readers, "read"), _pool(p.writers, "write")

    def read_ahead() -> None:
        while len(reads) < p.prefetch and (nxt := next(queue, None)):
            reads.append((*nxt, readers.submit(_load, proc, nxt[0])))

    def finish_write() -> None:
        src, dst, pixels, fut = writes.popleft()
        try:
            fut.result()  # any other exception than OSError is a bug: re-raised here, never swallowed
        except OSError as err:
            why = f"cannot write {dst}: {err}"
            _fail(report, src, why, f"{src}: {why}")
            return
        report.done.append(dst)
        report.pixels += pixels

    try:
        read_ahead()
        while reads:
            src, dst, fut = reads.popleft()
            read_ahead()  # keep the readers busy while the model works
            try:
                item, pixels = fut.result()
                image = proc(item)  # the model, in this thread
            except BadImage as err:
                _fail(report, src, str(err).split(": ", 1)[-1], str(err))  # BadImage names the file
                yield
                continue
            except BadOutput as err:  # NaN or infinite values: nothing written for this file, the rest go on
                _fail(report, src, str(err), f"{src}: {err}")
                yield
                continue
            except (MemoryError, RuntimeError) as err:  # one picture too big for this machine: the rest go on
                if not out_of_memory(err):
                    raise
                why = f"out of memory ({' '.join(str(err).split())[:160] or type(err).__name__})"
                _fail(report, src, why, f"{src}: {why}")
                yield
                continue
            del item  # the decoded input is no longer needed while the output is written
            writes.append((src, dst, pixels, writers.submit(save_atomic, image, dst)))
            while writes and (len(writes) > p.writers or writes[0][3].done()):
                finish_write()
                yield
        while writes:
            finish_write()
            yield
    finally:  # on an error or Ctrl-C: drop the queued reads, let started writes finish (they are atomic)
        for *_, fut in reads:
            fut.cancel()
        readers.shutdown(wait=True, cancel_futures=True)
        writers.shutdown(wait=True)
