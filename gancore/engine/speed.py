"""How the networks run: numeric precision (bf16 autocast), memory format (channels-last), ``torch.compile``.

    speed = resolve_speed(cfg.train, device)       # "auto" settings resolved for this device
    speed.prepare(gan)                              # channels-last weights, compiled forwards
    with speed.autocast():                          # the forwards of one trainer step
        logs = trainer.step(speed.batch(real))

Under autocast, convolutions and matrix products run in bf16; the trainers leave it for the
backward pass and the optimiser step (``GANTrainer.update``), and the gradient penalties take
their input gradients and norms in fp32 (``gancore/penalties/gradient.py``). bf16 has fp32's
exponent range, so no loss scaling is needed.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import torch
from torch import nn


def bf16_supported(device: torch.device) -> bool:
    """Whether ``device`` runs bf16 autocast at speed: CUDA devices of compute capability 8.0 and
    up, and CPUs with bf16 instructions (AVX512-BF16 or AMX), where oneDNN's bf16 convolutions
    made pix2pix's training step 1.5-1.6x faster than fp32 (``make bench``, README "Benchmarks").
    Without them (plain AVX2) bf16 is emulated and slower: fp32 stays."""
    if device.type == "cpu":
        return cpu_has_bf16()
    if device.type != "cuda" or not torch.cuda.is_available():
        return False
    return torch.cuda.is_bf16_supported(including_emulation=False)


def cpu_has_bf16() -> bool:
    """AVX512-BF16 or AMX on this CPU (torch's own probes; False where torch lacks them)."""
    probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in probes)


@dataclass(frozen=True)
class Speed:
    device_type: str  # "cpu", "cuda", ...: the autocast device type
    dtype: torch.dtype | None = None  # the autocast dtype (torch.bfloat16), or None: fp32 throughout
    channels_last: bool = False  # NHWC weights and batches (faster convolutions on tensor cores)
    compile: str | None = None  # a torch.compile mode for G's and D's forward, or None

    def autocast(self) -> contextlib.AbstractContextManager:
        """The context for a trainer step's forward passes (a no-op context for fp32)."""
        if self.dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device_type, dtype=self.dtype)

    def batch(self, x: torch.Tensor) -> torch.Tensor:
        """An image batch ``(B, C, H, W)`` in the chosen memory format (other shapes unchanged)."""
        if self.channels_last and x.dim() == 4:
            return x.contiguous(memory_format=torch.channels_last)
        return x

    def prepare(self, gan) -> None:
        """Convert G, D (and the EMA copy) to channels-last, and compile G's and D's forward.

        Compiling wraps the module's ``__call__`` (``nn.Module.compile``): the module, its
        parameters and its ``state_dict`` keys stay the same, so checkpoints are unaffected.
        """
        nets = [gan.generator, gan.discriminator, getattr(gan, "ema", None)]
        if self.channels_last:
            for net in nets:
                if net is not None:
                    net.to(memory_format=torch.channels_last)
        if self.compile is not None:
            for net in (gan.generator, gan.discriminator):
                compile_module(net, self.compile)

    def describe(self) -> str:
        precision = "fp32" if self.dtype is None else str(self.dtype).removeprefix("torch.")
        parts = [precision, "channels-last" if self.channels_last else "contiguous"]
        if self.compile is not None:
            parts.append(f"compiled ({self.compile})")
        return ", ".join(parts)


def compile_module(net: nn.Module, mode: str) -> None:
    """``torch.compile`` ``net``'s forward in place; its ``state_dict`` keys do not change."""
    net.compile(mode=None if mode == "default" else mode)


def resolve_speed(train, device: torch.device) -> Speed:
    """The ``train.precision`` / ``channels_last`` / ``compile`` settings resolved for ``device``.

    ``precision``: "auto" is bf16 where ``bf16_supported`` (CUDA with bf16, CPUs with bf16
    instructions), fp32 elsewhere; "bf16" forces bf16 autocast (also on a CPU without them, where
    it is slower but exercises the same code); "fp32" turns it off. ``channels_last``: "auto" is
    on for CUDA. ``compile``: false, true ("default") or a mode.
    """
    if train.precision == "auto":
        dtype = torch.bfloat16 if bf16_supported(device) else None
    else:
        dtype = torch.bfloat16 if train.precision == "bf16" else None
    channels_last = device.type == "cuda" if train.channels_last == "auto" else bool(train.channels_last)
    mode = train.compile
    compile_mode = None if mode is False else "default" if mode is True else str(mode)
    return Speed(device.type, dtype, channels_last, compile_mode)


def fp32(device_type: str) -> contextlib.AbstractContextManager:
    """Leave autocast (if any) for ``device_type``: backward passes, optimiser steps, penalty norms."""
    return torch.autocast(device_type, enabled=False)
