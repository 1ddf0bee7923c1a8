"""What ``run`` checks about its folders and its failures, apart from the pipeline itself (``batch.py``):
OUT is a writable folder, no output lands on an input, a killed run's temporaries go, and which
errors fail one file (out of memory) rather than the batch."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import UserError

STALE = re.compile(r"^\.(?P<name>.+)\.tmp-(?P<pid>\d+)-\d+(\.[^.]+)?$")  # save_atomic's temporary names


def remove_stale_outputs(out_dir: Path) -> list[Path]:
    """Delete the temporaries a killed ``run`` left under ``out_dir`` (``save_atomic``'s names, whose
    process is gone); a live process's are left alone."""
    stale = []
    for path in out_dir.rglob(".*.tmp-*") if out_dir.is_dir() else []:
        m = STALE.match(path.name)
        if m is None or not path.is_file() or _alive(int(m["pid"])):
            continue
        path.unlink(missing_ok=True)
        stale.append(path)
    return stale


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def check_output_folder(out_dir: Path) -> None:
    """Before any model runs: OUT must be a folder this process can write (or be creatable)."""
    probe = out_dir
    while not probe.exists():
        probe = probe.parent
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"OUT is not a folder: {out_dir}")
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise UserError(f"cannot write to {probe}: OUT must be a folder you can write")


def out_of_memory(err: BaseException) -> bool:
    """Whether ``err`` is the allocator's "no memory left" (Python's, torch's CPU or CUDA one)."""
    if isinstance(err, MemoryError):
        return True
    text = str(err).lower()
    return any(s in text for s in ("out of memory", "can't allocate memory", "not enough memory", "failed to allocate"))


def refuse_overwrites(outputs: dict[Path, Path], in_dir: Path) -> None:
    """A UserError before anything runs when an output would land on an input (OUT above IN, with an
    input at IN/<a path that also names OUT/...>): inputs are never overwritten. ``outputs``: input -> output."""
    inputs = {p.resolve() for p in outputs}
    for src, dst in outputs.items():
        if dst.resolve() in inputs:
            raise UserError(
                f"the output of {src} would overwrite the input {dst}; choose an OUT outside {in_dir}'s tree"
            )
