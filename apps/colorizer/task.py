"""The colorizer task: the generator sees lightness L and predicts the chroma ab (CIE Lab).

Scaling (so every tensor the networks see is in about [-1, 1]):
``L in [0, 100] -> L / 50 - 1``; ``a, b in about [-110, 110] -> ab / 110``.
"""

from __future__ import annotations

from dataclasses import dataclass

import kornia
import torch
import torch.nn.functional as F

from gancore.tasks import TASKS, Pair

AB_SCALE = 110.0


def rgb_to_lab_scaled(rgb: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """RGB ``(B, 3, H, W)`` in [-1, 1] -> (L ``(B, 1, H, W)``, ab ``(B, 2, H, W)``), both about [-1, 1]."""
    lab = kornia.color.rgb_to_lab(((rgb + 1) / 2).clamp(0, 1))
    return lab[:, :1] / 50.0 - 1.0, lab[:, 1:] / AB_SCALE


def lab_scaled_to_rgb(light: torch.Tensor, ab: torch.Tensor) -> torch.Tensor:
    """Inverse of ``rgb_to_lab_scaled``: RGB ``(B, 3, H, W)`` in [0, 1] (out-of-gamut colours clipped)."""
    lab = torch.cat([(light + 1.0) * 50.0, ab * AB_SCALE], dim=1)
    return kornia.color.lab_to_rgb(lab, clip=True)


def colorize_full_resolution(light_full: torch.Tensor, ab_small: torch.Tensor) -> torch.Tensor:
    """Join full-resolution L ``(B, 1, H, W)`` with chroma predicted small ``(B, 2, h, w)``.

    The chroma is upsampled bilinearly to ``H x W``; returns RGB ``(B, 3, H, W)`` in [0, 1].
    Lightness (where the detail is) is never resampled.
    """
    ab = F.interpolate(ab_small, size=light_full.shape[-2:], mode="bilinear", align_corners=False)
    return lab_scaled_to_rgb(light_full, ab)


@TASKS.register("colorizer")
class ColorizerTask:
    """condition: L ``(B, 1, H, W)``; target: ab ``(B, 2, H, W)``; D judges L and ab together."""

    name = "colorizer"

    @dataclass(frozen=True)
    class Options:
        pass

    def __init__(self, options: Options | None = None):
        self.options = options

    def shapes(self, size: int) -> dict[str, tuple[int, ...]]:
        return {"condition": (1, size, size), "target": (2, size, size), "judged": (3, size, size)}

    def condition(self, real: torch.Tensor) -> Pair:
        light, ab = rgb_to_lab_scaled(real)
        return Pair(condition=light, target=ab)

    def judged(self, condition: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        return torch.cat([condition, image], dim=1)  # pix2pix: D sees the input with the output

    def to_rgb(self, condition: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        return lab_scaled_to_rgb(condition, image) * 2 - 1

    def condition_rgb(self, condition: torch.Tensor) -> torch.Tensor:
        return condition.expand(-1, 3, -1, -1)  # L as gray: close enough to luminance for a preview
