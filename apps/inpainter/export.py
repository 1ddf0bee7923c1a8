"""The inpainter as ONNX: a photo in [0, 1] and its hole mask (1 = fill) -> the filled photo in [0, 1].

The graph is one crop's worth of ``run``: the push-pull first fill, the generator's residual over
it, and the known pixels kept. H and W must be multiples of 16; ``run`` fills each hole on a crop
around it and pastes only the hole pixels, which a caller of the ONNX file can do the same way.
"""

from __future__ import annotations

import zlib

import numpy as np
import torch
import torch.nn.functional as F

from gancore.export import Exportable

from .masks import draw_fixed


class FillGraph(torch.nn.Module):
    def __init__(self, task, gen):
        super().__init__()
        self.task, self.gen = task, gen

    def forward(self, image: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        cond = self.task.make_condition(image * 2 - 1, mask)
        return ((self.task.compose(cond, self.gen({"condition": cond})) + 1) / 2).clamp(0, 1)


def make_export(task, gen, cfg, rgb: np.ndarray) -> Exportable:
    x = torch.from_numpy(np.array(rgb)).permute(2, 0, 1)[None].float() / 255.0
    x = F.interpolate(x, size=(128, 160), mode="area")
    mask = draw_fixed("medium", zlib.crc32(b"export"), 128, 160)[None, None].float()
    return Exportable(FillGraph(task, gen), {"image": x, "mask": mask}, "filled", 16,
                      "image: (B, 3, H, W) RGB in [0, 1], mask: (B, 1, H, W) with 1 = fill, H and W multiples of 16 "
                      "-> filled: (B, 3, H, W) RGB in [0, 1]")  # fmt: skip
