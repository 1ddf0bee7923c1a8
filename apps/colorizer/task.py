"""The colorizer task: the generator sees lightness L and predicts the chroma ab (CIE Lab).

With ``hints`` on, the condition also holds user colour hints (hints.py): ``(B, 4, H, W)`` =
L, hint ab (2), hint mask (1); training draws simulated hints for every crop (none in a share of
them, so the same model colorizes automatically).

Both are scaled to about [-1, 1] (lab.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from gancore.tasks import TASKS, Pair

from . import validation
from .lab import lab_scaled_to_rgb, rgb_to_lab_scaled


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

        def __post_init__(self) -> None:
            from gancore.errors import ConfigError

            if not 0.0 <= self.hint_none <= 1.0:
                raise ConfigError("task.hint_none", f"a share in [0, 1]. Got {self.hint_none}")
            if self.hint_max < 1 or self.hint_max > 4096:
                raise ConfigError("task.hint_max", f"a count in [1, 4096]. Got {self.hint_max}")
            if not 0 <= self.hint_max_half <= 16:
                raise ConfigError("task.hint_max_half", f"pixels in [0, 16]. Got {self.hint_max_half}")

    def __init__(self, options: Options | None = None):
        self.options = options or self.Options()

    @property
    def channels(self) -> int:
        """The condition's channels: L, plus hint ab and mask with ``hints``."""
        return 4 if self.options.hints else 1

    def shapes(self, size: int) -> dict[str, tuple[int, ...]]:
        return {"condition": (self.channels, size, size), "target": (2, size, size), "judged": (3, size, size)}

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
