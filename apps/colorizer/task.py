"""The colorizer task: the generator sees lightness L and predicts the chroma ab (CIE Lab).

With ``hints`` on, the condition also holds user colour hints (hints.py): ``(B, 4, H, W)`` =
L, hint ab (2), hint mask (1); training draws simulated hints for every crop (none in a share of
them, so the same model colorizes automatically).

Both are scaled to about [-1, 1] (lab.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch

from gancore.tasks import TASKS, Pair

from . import validation
from .lab import lab_scaled_to_rgb, read_out, rgb_to_lab_scaled


@TASKS.register("colorizer")
class ColorizerTask:
    """condition: L ``(B, 1, H, W)``; target: ab ``(B, 2, H, W)``; D judges L and ab together."""

    name = "colorizer"

    @dataclass(frozen=True)
    class Options:
        hints: bool = False  # the condition holds colour hints: 3 more channels (hint ab, hint mask)
        hint_none: float = 0.25  # share of training crops given no hint at all (the automatic mode)
        hint_max: int = 128  # otherwise a log-uniform number of hint patches in [1, hint_max]
        hint_max_half: int = 2  # patch sides 1, 3, ..., 2 * hint_max_half + 1 px
        head: Literal["ab", "bins"] = "ab"  # "ab": G predicts a*b* (2 channels); "bins": logits over a grid of
        # bins x bins a*b* values at half the resolution (gancore/losses/bins.py; Zhang et al. predict at a
        # quarter), read out by their annealed mean (vivid colours) and resized bilinearly
        bins: int = 23  # the grid's side: 23 x 23 bins, one every 10 a*b* units
        temperature: float = 0.38  # the read-out's: 1 = the mean (muted), towards 0 the likeliest colour

        def __post_init__(self) -> None:
            from gancore.errors import ConfigError

            if not 0.0 <= self.hint_none <= 1.0:
                raise ConfigError("task.hint_none", f"a share in [0, 1]. Got {self.hint_none}")
            if self.hint_max < 1 or self.hint_max > 4096:
                raise ConfigError("task.hint_max", f"a count in [1, 4096]. Got {self.hint_max}")
            if not 0 <= self.hint_max_half <= 16:
                raise ConfigError("task.hint_max_half", f"pixels in [0, 16]. Got {self.hint_max_half}")
            if not 2 <= self.bins <= 64:
                raise ConfigError("task.bins", f"a grid side in [2, 64]. Got {self.bins}")
            if not 0.0 < self.temperature <= 10.0:
                raise ConfigError("task.temperature", f"a temperature in (0, 10]. Got {self.temperature}")

    def __init__(self, options: Options | None = None):
        self.options = options or self.Options()

    @property
    def channels(self) -> int:
        """The condition's channels: L, plus hint ab and mask with ``hints``."""
        return 4 if self.options.hints else 1

    def shapes(self, size: int) -> dict[str, tuple[int, ...]]:
        bins = self.options.head == "bins"
        out = (self.options.bins**2, size // 2, size // 2) if bins else (2, size, size)
        return {
            "condition": (self.channels, size, size),
            "target": (2, size, size),
            "output": out,  # G's own: a*b*, or the bins' logits at half the size
            "judged": (3, size, size),
        }

    def compose(self, condition: torch.Tensor, output: torch.Tensor) -> torch.Tensor:
        """G's output as a*b* ``(B, 2, H, W)``: the bins' annealed mean, or the a*b* themselves."""
        return read_out(output, self.options.temperature, size=tuple(condition.shape[-2:]))

    def condition(self, real: torch.Tensor) -> Pair:
        light, ab = rgb_to_lab_scaled(real)
        if not self.options.hints:
            return Pair(condition=light, target=ab)
        from .hints import simulate

        o = self.options
        hint_ab, mask = simulate(ab, o.hint_none, o.hint_max, o.hint_max_half)
        return Pair(condition=torch.cat([light, hint_ab, mask], dim=1), target=ab)

    def judged(self, condition: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        return torch.cat([condition[:, :1], image], dim=1)  # pix2pix: D sees the input (L) with the output

    def to_rgb(self, condition: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        return lab_scaled_to_rgb(condition[:, :1], image) * 2 - 1

    # scores while training (gancore.engine.validation): automatic mode, RGB PSNR and colourfulness
    measures = validation.MEASURES

    headline = "psnr"

    def validation_pair(self, real: torch.Tensor) -> Pair:
        return validation.pair(*rgb_to_lab_scaled(real), self.channels)

    def validation_scores(self, condition: torch.Tensor, output: torch.Tensor, target: torch.Tensor) -> dict:
        return validation.scores(self, condition, output, target)

    def validation_baseline(self, condition: torch.Tensor) -> torch.Tensor:
        """The gray picture: ab = 0."""
        return torch.zeros(condition.shape[0], 2, *condition.shape[2:], device=condition.device)

    def condition_rgb(self, condition: torch.Tensor) -> torch.Tensor:
        """L as gray (close enough to luminance for a preview), with any hints painted in their colour."""
        if condition.shape[1] == 1:
            return condition.expand(-1, 3, -1, -1)
        return lab_scaled_to_rgb(condition[:, :1], condition[:, 1:3] * condition[:, 3:4]) * 2 - 1
