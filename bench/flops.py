"""What the training step achieves against what the core can do: the CPU's features (bf16 or not),
the step's FLOPs (``torch.utils.flop_counter``, forward and backward) and the measured peak of a
large matrix product on the same threads, so "how far from the limit" is a number.
"""

from __future__ import annotations

import time
from pathlib import Path


def cpu_features() -> dict:
    """The CPU's model name and the instruction sets that decide bf16 autocast: ``bf16`` (AVX512-BF16
    or AMX), ``avx512``, ``avx2``; ``label`` says which kind of machine a number came from."""
    model, flags = "", set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and not model:
                model = value.strip()
            elif key.strip() == "flags" and not flags:
                flags = set(value.split())
    except OSError:
        pass
    bf16 = bool({"avx512_bf16", "amx_bf16"} & flags)
    avx512 = "avx512f" in flags
    label = "AVX512-BF16" if bf16 else "AVX-512, no bf16" if avx512 else "AVX2 only" if "avx2" in flags else "other"
    return {"model": model, "bf16": bf16, "avx512": avx512, "avx2": "avx2" in flags, "label": label}


def step_flops(step) -> int:
    """The floating-point operations of one call of ``step`` (a training step: forward and backward)."""
    from torch.utils.flop_counter import FlopCounterMode

    counter = FlopCounterMode(display=False)
    with counter:
        step()
    return int(counter.get_total_flops())


def matmul_peak(threads: int, dtype: str = "float32", n: int = 2048, repeats: int = 5) -> float:
    """GFLOP/s of an ``n`` x ``n`` matrix product on ``threads`` threads (the best of ``repeats``)."""
    import torch

    torch.set_num_threads(threads)
    kind = getattr(torch, dtype)
    a, b = torch.randn(n, n).to(kind), torch.randn(n, n).to(kind)
    torch.mm(a, b)
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - t)
    return 2 * n**3 / best / 1e9
