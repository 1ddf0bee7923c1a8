"""The inpainting task: the generator sees the photo with holes and the hole mask, and fills the holes.

condition: ``(B, 4, H, W)``: the masked RGB in [-1, 1] (holes set to 0, mid-gray) and the mask
in {0, 1} (1 = hole); target: the real RGB ``(B, 3, H, W)`` in [-1, 1]. ``compose`` pastes the
known pixels back over the generator's output, so the discriminator and the losses judge the
composite; D sees the composite alone or, with ``d_sees_mask``, with the mask as a 4th channel.
Masks are drawn on the training device by the ``masks`` policy (masks.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from gancore.tasks import TASKS, Pair

from .masks import MaskPolicyConfig


def mask_condition(image: torch.Tensor, hole: torch.Tensor) -> torch.Tensor:
    """``image`` ``(B, 3, H, W)`` in [-1, 1], ``hole`` ``(B, 1, H, W)`` in {0, 1} -> the condition ``(B, 4, H, W)``."""
    return torch.cat([image * (1 - hole), hole], dim=1)


@TASKS.register("inpainter")
class InpainterTask:
    """condition: masked RGB + mask ``(B, 4, H, W)``; target: RGB ``(B, 3, H, W)``; D judges the composite."""

    name = "inpainter"

    @dataclass(frozen=True)
    class Options:
        masks: MaskPolicyConfig = field(
            default_factory=lambda: MaskPolicyConfig.from_json({"type": "mix"}, "task.masks")
        )
        d_sees_mask: bool = True  # D gets the mask as a 4th channel (it knows where to look)

        def __post_init__(self) -> None:
            self.masks.options.check("task.masks")

    def __init__(self, options: Options | None = None):
        self.options = options or self.Options()
        self.policy = self.options.masks.build()

    def shapes(self, size: int) -> dict[str, tuple[int, ...]]:
        judged = 4 if self.options.d_sees_mask else 3
        return {"condition": (4, size, size), "target": (3, size, size), "judged": (judged, size, size)}

    @torch.no_grad()
    def condition(self, real: torch.Tensor) -> Pair:
        b, _, h, w = real.shape
        hole = self.policy.draw(b, h, w, device=real.device).to(real.dtype)
        return Pair(condition=mask_condition(real, hole), target=real)

    @staticmethod
    def hole(condition: torch.Tensor) -> torch.Tensor:
        """The hole mask ``(B, 1, H, W)`` in {0, 1} of a condition."""
        return condition[:, 3:4]

    def compose(self, condition: torch.Tensor, output: torch.Tensor) -> torch.Tensor:
        """Known pixels from the condition, the generator's ``output`` ``(B, 3, H, W)`` inside the holes."""
        hole = self.hole(condition)
        return condition[:, :3] * (1 - hole) + output * hole

    def judged(self, condition: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        return torch.cat([image, self.hole(condition)], dim=1) if self.options.d_sees_mask else image

    def to_rgb(self, condition: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        return image.clamp(-1, 1)

    def condition_rgb(self, condition: torch.Tensor) -> torch.Tensor:
        """The photo with its holes shown white, for sample sheets."""
        hole = self.hole(condition)
        return condition[:, :3] * (1 - hole) + hole
