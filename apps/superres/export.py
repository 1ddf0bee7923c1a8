"""The upscaler as ONNX: a low-resolution RGB picture in [0, 1] -> the upscaled RGB in [0, 1].

The graph is one tile of ``run``: the generator's residual over the bicubic upsample, clamped.
The upscaler's networks are built for one input size (their resize layers know it), so the graph
has a fixed H and W: ``run``'s default tile with its context (``TILE_OUT / scale`` px, e.g. 256 for
x4); a picture is cut into such tiles with overlapping context as ``run`` does (``tiles.py``).
"""

from __future__ import annotations

import numpy as np
import torch

from gancore.export import Exportable


class UpscaleGraph(torch.nn.Module):
    def __init__(self, task, gen):
        super().__init__()
        self.task, self.gen = task, gen

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        cond = image * 2 - 1
        return ((self.task.compose(cond, self.gen({"condition": cond})) + 1) / 2).clamp(0, 1)


def make_export(task, gen, cfg, rgb: np.ndarray) -> Exportable:
    from gancore.gan import build_generator

    from .options import TILE_OUT

    s = task.scale
    side = TILE_OUT // s
    _, net = build_generator(cfg, side * s)
    net.load_state_dict(gen.state_dict())
    x = torch.from_numpy(np.array(rgb)).permute(2, 0, 1)[None].float() / 255.0
    x = torch.nn.functional.interpolate(x, size=(side, side), mode="area")
    return Exportable(UpscaleGraph(task, net.eval()), {"image": x}, "upscaled", 1,
                      f"image: (B, 3, {side}, {side}) RGB in [0, 1] -> upscaled: (B, 3, {side * s}, {side * s}) RGB "
                      "in [0, 1]", dynamic=False)  # fmt: skip
