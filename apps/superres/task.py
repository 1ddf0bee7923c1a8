"""The super-resolution task: the generator sees a degraded, downscaled copy and rebuilds the photo.

condition: LR RGB ``(B, 3, size / scale, size / scale)`` in [-1, 1], quantized to 8-bit levels like
a real image file; target: the real HR RGB ``(B, 3, size, size)`` in [-1, 1]; the discriminator
judges the HR image alone (ESRGAN). The generator predicts a *residual* over a bicubic upsample of
its input: ``compose`` adds the two, so an untrained network already starts at bicubic quality.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch
import torch.nn.functional as F

from gancore.errors import ConfigError
from gancore.tasks import TASKS, Pair

from . import realesrgan, validation  # noqa: F401  (realesrgan registers "second_order")
from .degrade import BICUBIC, DEGRADATIONS, DegradationConfig, bicubic_resize, jpeg
from .webinputs import INPUTS

WEB_JPEG = INPUTS["jpeg75"]  # validate "web": the quality of the JPEG inputs (eval's web protocol)


def upsample(lr: torch.Tensor, scale: int) -> torch.Tensor:
    """Bicubic upsample ``(B, C, h, w)`` -> ``(B, C, h * scale, w * scale)``; values may overshoot slightly."""
    return F.interpolate(lr, scale_factor=scale, mode="bicubic", align_corners=False)


def quantize(x01: torch.Tensor) -> torch.Tensor:
    """Round [0, 1] values to the 256 levels of an 8-bit image."""
    return (x01.clamp(0, 1) * 255.0).round() / 255.0


@TASKS.register("superres")
class SuperresTask:
    """condition: degraded LR ``(B, 3, H/s, W/s)``; target: HR ``(B, 3, H, W)``; D judges the HR image."""

    name = "superres"

    @dataclass(frozen=True)
    class Options:
        scale: Literal[2, 3, 4] = 4  # HR size / LR size
        degradations: tuple[DegradationConfig, ...] = (BICUBIC,)  # HR -> LR, in order (degrade.py)
        validate: Literal["degradations", "web"] = "degradations"  # the held-out checks' inputs: drawn by
        # ``degradations`` (as trained), or "web": as eval's web protocol, bicubic to 8 bits and every other
        # crop a JPEG of quality 75, whatever the training draws (a run on heavy degradations is then kept by
        # how it does on the pictures people upscale)

        def __post_init__(self) -> None:
            resizing = [d.type for d in self.degradations if DEGRADATIONS.get(d.type).resizes]
            if len(resizing) != 1:
                raise ConfigError(
                    "task.degradations",
                    f"needs exactly one step that resizes to the LR size (bicubic or second_order), got {resizing}",
                )
            for i, d in enumerate(self.degradations):
                check = getattr(d.options, "check", None)
                if check is not None:
                    check(f"task.degradations[{i}]")

    def __init__(self, options: Options | None = None):
        self.options = options or self.Options()
        self.scale = self.options.scale
        self.steps = [d.build() for d in self.options.degradations]

    def shapes(self, size: int) -> dict[str, tuple[int, ...]]:
        if size % self.scale:
            raise ConfigError("data.size", f"must be a multiple of the scale {self.scale}, got {size}")
        lr = size // self.scale
        return {"condition": (3, lr, lr), "target": (3, size, size), "judged": (3, size, size)}

    @torch.no_grad()
    def degrade(self, real: torch.Tensor) -> torch.Tensor:
        """HR ``(B, 3, H, W)`` in [-1, 1] -> LR ``(B, 3, H/s, W/s)`` in [-1, 1] (8-bit levels)."""
        h, w = real.shape[-2:]
        if h % self.scale or w % self.scale:
            raise ValueError(f"H and W must be multiples of the scale {self.scale}. Got {tuple(real.shape)}")
        x = (real + 1) / 2
        for step in self.steps:
            x = step(x, (h // self.scale, w // self.scale))
        return quantize(x) * 2 - 1

    def condition(self, real: torch.Tensor) -> Pair:
        return Pair(condition=self.degrade(real), target=real)

    @torch.no_grad()
    def validation_pair(self, real: torch.Tensor) -> Pair:
        """The held-out crops' pair: ``condition(real)``, or with ``validate: "web"`` bicubic LR at 8 bits,
        the odd-numbered crops (every photo's second, fourth, ...) saved as JPEG of quality ``WEB_JPEG``."""
        if self.options.validate == "degradations":
            return self.condition(real)
        h, w = real.shape[-2:]
        lr = quantize(bicubic_resize((real + 1) / 2, (h // self.scale, w // self.scale)))
        n = lr.shape[0]
        odd = (torch.arange(n, device=lr.device) % 2 == 1).view(n, 1, 1, 1)
        compressed = quantize(jpeg(lr, torch.full((n,), float(WEB_JPEG), device=lr.device)))
        return Pair(condition=torch.where(odd, compressed, lr) * 2 - 1, target=real)

    def compose(self, condition: torch.Tensor, output: torch.Tensor) -> torch.Tensor:
        """The generator's residual ``(B, 3, H, W)`` added to the bicubic upsample of its input."""
        return upsample(condition, self.scale) + output

    def judged(self, condition: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        return image  # ESRGAN: D sees the HR image alone

    def to_rgb(self, condition: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        return image.clamp(-1, 1)

    # scores while training (gancore.engine.validation): Y-PSNR and sharpness, bicubic as the baseline
    measures = validation.MEASURES

    headline = "psnr_y"

    def validation_scores(self, condition: torch.Tensor, output: torch.Tensor, target: torch.Tensor) -> dict:
        bicubic = None if condition is None else self.validation_baseline(condition)
        return validation.scores(self.scale, output, target, bicubic)

    def validation_summary(self, means: dict[str, float]) -> dict[str, float]:
        return validation.summary(means)

    def validation_baseline(self, condition: torch.Tensor) -> torch.Tensor:
        return upsample(condition, self.scale).clamp(-1, 1)

    def condition_rgb(self, condition: torch.Tensor) -> torch.Tensor:
        return upsample(condition, self.scale).clamp(-1, 1)  # the bicubic baseline, for sample grids
