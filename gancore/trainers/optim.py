"""Optimisers per network and learning-rate schedules, with HyperGAN's and GAGA's option names.

    "trainer": {"type": "alternating", "optimizer": "adam",
                "g_learn_rate": 2e-4, "g_beta1": 0.5, "d_optimizer": "rmsprop", "d_decay": 0.99,
                "d_weight_decay": 1e-4, "clipped_gradients": 10,
                "lr_schedule": {"type": "cosine", "steps": 10000, "final": 0.1}}

| option           | adam / adamw | rmsprop            | sgd      |
|------------------|--------------|--------------------|----------|
| x_learn_rate     | lr           | lr                 | lr       |
| x_beta1, x_beta2 | betas        |                    |          |
| x_epsilon        | eps          | eps                |          |
| x_decay          |              | alpha (smoothing)  |          |
| x_momentum       |              | momentum           | momentum |
| x_weight_decay   | L2 (adamw: decoupled) | L2        | L2       |

``x`` is ``g`` or ``d``; ``optimizer`` (GAGA's ``optimiser``) sets both unless ``g_optimizer`` /
``d_optimizer`` say otherwise.

``optimizer_kernel`` picks how torch runs the update, not what it computes: ``fused`` (one kernel
over every tensor; Adam / AdamW only), ``foreach`` (batched over tensors), ``loop`` (one tensor at
a time, torch's default on the CPU) or ``auto``: fused for Adam / AdamW, foreach otherwise.
Measured by ``make bench`` (``bench/train_settings.py``): on the pix2pix U-Net's 41.8 M
parameters one Adam step took 364 ms as a loop, 283 ms foreach and 59 ms fused on one CPU thread.
The results agree to float rounding, not bit for bit; a run resumes with the kernel its
checkpoint was saved with.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import torch

from ..errors import ConfigError
from ..options import alias

OptimizerName = Literal["adam", "adamw", "rmsprop", "RMSprop", "sgd"]
OptimizerKernel = Literal["auto", "fused", "foreach", "loop"]
FUSED = ("adam", "adamw")  # torch's fused CPU and CUDA kernels we use


@dataclass(frozen=True)
class Schedule:
    """A learning-rate multiplier by trainer step (the same for G and D).

    constant: 1; linear / cosine: from 1 at step 0 to ``final`` at ``steps`` (then held);
    step: ``gamma ** (step // every)``; exponential: ``gamma ** step``. ``warmup``: a linear ramp
    from 0 over the first ``warmup`` steps, multiplied in.
    """

    type: Literal["constant", "linear", "cosine", "step", "exponential"] = "constant"
    steps: int = 10000
    final: float = 0.0
    every: int = 1000
    gamma: float = 0.5
    warmup: int = 0

    def __post_init__(self):
        for name in ("steps", "every"):
            if getattr(self, name) < 1:
                raise ConfigError(f"trainer.lr_schedule.{name}", f"must be at least 1, got {getattr(self, name)}")

    def factor(self, step: int) -> float:
        t = min(step, self.steps) / self.steps
        if self.type == "linear":
            f = 1.0 + (self.final - 1.0) * t
        elif self.type == "cosine":
            f = self.final + (1.0 - self.final) * 0.5 * (1.0 + math.cos(math.pi * t))
        elif self.type == "step":
            f = self.gamma ** (step // self.every)
        elif self.type == "exponential":
            f = self.gamma**step
        else:
            f = 1.0
        if self.warmup > 0 and step < self.warmup:
            f *= (step + 1) / self.warmup
        return f

    @property
    def is_constant(self) -> bool:
        return self.type == "constant" and self.warmup == 0


@dataclass(frozen=True)
class OptimOptions:
    """The optimiser options every trainer takes (see the module docstring for which applies where)."""

    optimizer: OptimizerName = alias("optimiser", default="adam")  # noqa: RUF009  (a field, not a value)
    g_optimizer: OptimizerName | None = None
    d_optimizer: OptimizerName | None = None
    g_learn_rate: float = alias("g_learning_rate", default=2e-4)
    g_beta1: float = 0.5
    g_beta2: float = 0.999
    g_epsilon: float = 1e-8
    g_decay: float = 0.99
    g_momentum: float = 0.0
    g_weight_decay: float = 0.0
    d_learn_rate: float = alias("d_learning_rate", default=2e-4)
    d_beta1: float = 0.5
    d_beta2: float = 0.999
    d_epsilon: float = 1e-8
    d_decay: float = 0.99
    d_momentum: float = 0.0
    d_weight_decay: float = 0.0
    optimizer_kernel: OptimizerKernel = "auto"  # how the update runs (module docstring); not what it computes
    clipped_gradients: float | None = None  # clip each network's gradient norm to this
    d_clipped_weights: float | None = alias("clipped_d_weights", default=None)  # clamp D's weights to [-v, v]
    lr_schedule: Schedule = field(default_factory=Schedule)
    pretrain_steps: int = 0  # ESRGAN's warm-up: for this many steps G learns the reconstruction term alone, D waits
    feature_matching: float = 0.0  # weight of L1 between D's named features of real and fake (pix2pixHD)

    def __post_init__(self):
        """Every number finite and in its range (NaN and Infinity parse as JSON numbers in Python)."""
        ranges = {"learn_rate": (0, None), "beta1": (0, 1), "beta2": (0, 1), "epsilon": (0, None),
                  "decay": (0, 1), "momentum": (0, None), "weight_decay": (0, None)}  # fmt: skip
        for net in ("g", "d"):
            for name, (low, high) in ranges.items():
                value = getattr(self, f"{net}_{name}")
                bad = (
                    not math.isfinite(value) or value < low or (high is not None and value >= high and name != "decay")
                )
                if bad or (name == "decay" and value > 1) or (name == "epsilon" and value == 0):
                    span = f"[{low}, {high})" if high is not None else f">= {low}"
                    raise ConfigError(f"trainer.{net}_{name}", f"must be a finite number {span}, got {value}")
        for name in ("clipped_gradients", "d_clipped_weights"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value > 0):
                raise ConfigError(f"trainer.{name}", f"must be a finite number > 0 or null, got {value}")
        if self.optimizer_kernel == "fused":
            for net in ("g", "d"):
                kind = self.kind(net)
                if kind not in FUSED:
                    raise ConfigError("trainer.optimizer_kernel", f"'fused' takes adam or adamw, {net}'s is {kind}")
        if not (math.isfinite(self.feature_matching) and self.feature_matching >= 0):
            raise ConfigError("trainer.feature_matching", f"must be a finite number >= 0, got {self.feature_matching}")

    def kind(self, net: str) -> str:
        """Network ``net``'s ("g" or "d") optimiser, lower case: its own or the shared ``optimizer``."""
        return (getattr(self, f"{net}_optimizer") or self.optimizer).lower()


def make_optimizer(o: OptimOptions, net: str, params: Iterable[torch.nn.Parameter]) -> torch.optim.Optimizer:
    """The optimiser of network ``net`` ("g" or "d") over its parameters that require gradients."""
    kind = o.kind(net)
    lr, wd = getattr(o, f"{net}_learn_rate"), getattr(o, f"{net}_weight_decay")
    if lr < 0:
        raise ConfigError(f"trainer.{net}_learn_rate", f"must be 0 or more, got {lr}")
    trainable = [p for p in params if p.requires_grad]  # ``trainable=false`` layers are left out
    betas, eps = (getattr(o, f"{net}_beta1"), getattr(o, f"{net}_beta2")), getattr(o, f"{net}_epsilon")
    how = kernel_options(o.optimizer_kernel, kind, trainable)
    if kind == "adam":
        return torch.optim.Adam(trainable, lr=lr, betas=betas, eps=eps, weight_decay=wd, **how)
    if kind == "adamw":
        return torch.optim.AdamW(trainable, lr=lr, betas=betas, eps=eps, weight_decay=wd, **how)
    if kind == "rmsprop":
        alpha, momentum = getattr(o, f"{net}_decay"), getattr(o, f"{net}_momentum")
        return torch.optim.RMSprop(trainable, lr=lr, alpha=alpha, eps=eps, momentum=momentum, weight_decay=wd, **how)
    return torch.optim.SGD(trainable, lr=lr, momentum=getattr(o, f"{net}_momentum"), weight_decay=wd, **how)


def kernel_options(kernel: str, kind: str, params: list[torch.nn.Parameter]) -> dict[str, bool]:
    """torch's ``fused`` / ``foreach`` arguments for ``optimizer_kernel`` (module docstring).

    ``auto`` fuses only where torch has the kernel for every parameter (floating point, on the
    CPU or CUDA), else batches with foreach; no parameters: torch's defaults.
    """
    if not params:
        return {}
    if kernel == "auto":
        fusable = all(p.is_floating_point() and p.device.type in ("cpu", "cuda") for p in params)
        kernel = "fused" if kind in FUSED and fusable else "foreach"
    return {"fused": {"fused": True}, "foreach": {"foreach": True}, "loop": {"foreach": False}}[kernel]


def set_learning_rates(opt: torch.optim.Optimizer, base: float, factor: float) -> None:
    for group in opt.param_groups:
        group["lr"] = base * factor
