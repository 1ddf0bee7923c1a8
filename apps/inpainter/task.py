"""The inpainting task: the generator sees the photo with holes and the hole mask, and fills the holes.

condition: ``(B, 4, H, W)``: the masked RGB in [-1, 1] and the mask in {0, 1} (1 = hole);
the holes hold a first guess, ``fill``: ``pyramid`` (a push-pull interpolation of the known
pixels, fill.py) or ``gray`` (0). target: the real RGB ``(B, 3, H, W)`` in [-1, 1].
``compose`` keeps the known pixels and puts the generator's output in the holes, added to the
first guess when ``residual`` (the upscaler's residual-over-bicubic idea), so the discriminator
and the losses judge the composite; D sees it alone or, with ``d_sees_mask``, with the mask.
With ``hole_is_fake`` D's fake target is the hole only (LaMa): the known patches of a composite
are the photo's own, and are labelled real.
Masks are drawn on the training device by the ``masks`` policy (masks.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import torch

from gancore.tasks import TASKS, Pair

from . import validation
from .fill import pyramid_fill
from .masks import MaskPolicyConfig

Fill = Literal["pyramid", "gray"]


def mask_condition(image: torch.Tensor, hole: torch.Tensor, fill: Fill = "gray") -> torch.Tensor:
    """``image`` ``(B, 3, H, W)`` in [-1, 1], ``hole`` ``(B, 1, H, W)`` in {0, 1} -> the condition ``(B, 4, H, W)``.

    No pixel of ``image`` inside a hole reaches the condition: holes hold 0 (``gray``) or the
    push-pull interpolation of the known pixels (``pyramid``).
    """
    masked = image * (1 - hole)
    if fill == "pyramid":
        masked = pyramid_fill(masked, 1 - hole)
    return torch.cat([masked, hole], dim=1)


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
        fill: Fill = "pyramid"  # the holes' first guess in the condition
        residual: bool = True  # G's output is added to that first guess (False: it replaces it)
        hole_is_fake: bool = False  # D's fake label on the hole only; known patches of a composite are real (LaMa)

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
        return Pair(condition=self.make_condition(real, hole), target=real)

    def make_condition(self, image: torch.Tensor, hole: torch.Tensor) -> torch.Tensor:
        """The condition for ``image`` ``(B, 3, H, W)`` in [-1, 1] with ``hole`` ``(B, 1, H, W)`` in {0, 1}."""
        return mask_condition(image, hole, self.options.fill)

    @staticmethod
    def hole(condition: torch.Tensor) -> torch.Tensor:
        """The hole mask ``(B, 1, H, W)`` in {0, 1} of a condition."""
        return condition[:, 3:4]

    def prediction(self, condition: torch.Tensor, output: torch.Tensor) -> torch.Tensor:
        """G's whole-image guess before the known pixels are pasted: its ``output`` ``(B, 3, H, W)``, plus the
        condition's first guess when ``residual`` (the known-region loss reads this)."""
        return condition[:, :3] + output if self.options.residual else output

    def compose(self, condition: torch.Tensor, output: torch.Tensor) -> torch.Tensor:
        """Known pixels from the condition, ``prediction`` inside the holes."""
        hole = self.hole(condition)
        return condition[:, :3] * (1 - hole) + self.prediction(condition, output) * hole

    @property
    def labels_region(self) -> bool:
        """Whether D labels only the generated part of a fake (``hole_is_fake``)."""
        return self.options.hole_is_fake

    def fake_region(self, condition: torch.Tensor) -> torch.Tensor | None:
        """With ``hole_is_fake``, the hole ``(B, 1, H, W)``: the only pixels of the composite G made."""
        return self.hole(condition) if self.options.hole_is_fake else None

    def judged(self, condition: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        return torch.cat([image, self.hole(condition)], dim=1) if self.options.d_sees_mask else image

    def to_rgb(self, condition: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        return image.clamp(-1, 1)

    # scores while training (gancore.engine.validation): hole PSNR and texture, the first fill as the baseline
    measures = validation.MEASURES

    headline = "hole_psnr"

    def validation_scores(self, condition: torch.Tensor, output: torch.Tensor, target: torch.Tensor) -> dict:
        return validation.scores(self.hole(condition), output, target)

    def validation_baseline(self, condition: torch.Tensor) -> torch.Tensor:
        """The condition's first fill (the push-pull pyramid, or gray) in the holes."""
        return condition[:, :3].clamp(-1, 1)

    def condition_rgb(self, condition: torch.Tensor) -> torch.Tensor:
        """The photo with its holes shown white, for sample sheets."""
        hole = self.hole(condition)
        return condition[:, :3] * (1 - hole) + hole
