"""Peak memory of this process, as the kernel counts it (no torch import: the memory bench's parent stays small)."""

from __future__ import annotations

import resource
from pathlib import Path


def hwm_mb() -> float | None:
    """The kernel's peak RSS of this address space (``VmHWM``), MB; None where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def rss_mb() -> float:
    """This process's peak resident set size so far, MB (``ru_maxrss`` is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
