"""The bench's CPU features and FLOP counts: what makes numbers from different machines comparable."""

from __future__ import annotations

from pathlib import Path

import torch

from bench.flops import cpu_features, matmul_peak, step_flops


def test_cpu_features_name_the_kind_of_machine():
    f = cpu_features()
    assert f["label"] in ("AVX512-BF16", "AVX-512, no bf16", "AVX2 only", "other")
    assert f["bf16"] == (f["label"] == "AVX512-BF16")
    flags = Path("/proc/cpuinfo").read_text()
    assert f["avx2"] == (" avx2" in flags)


def test_a_steps_flops_are_counted_forward_and_backward():
    w = torch.randn(64, 32, requires_grad=True)
    x = torch.randn(16, 64)

    def step():
        (x @ w).sum().backward()

    assert step_flops(step) == 2 * (2 * 16 * 64 * 32)  # the product forward, and w's gradient backward (x needs none)


def test_the_matmul_peak_is_a_rate():
    assert matmul_peak(1, n=256, repeats=2) > 0.1
