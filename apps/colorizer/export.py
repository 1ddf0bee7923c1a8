"""The colorizer as ONNX: RGB (or gray as RGB) in [0, 1] -> the colorized RGB in [0, 1], same size.

The graph holds the whole per-image computation at one resolution: RGB -> Lab lightness, the
generator's chroma, Lab -> RGB. H and W must be multiples of 32 (the default U-Net halves five
times); for a large photo, ``run`` predicts chroma at the model's size and joins it with the
full-resolution lightness, which a caller of the ONNX file does with any resize. A model that
takes colour hints is exported in its automatic mode (the hint channels held at zero).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from gancore.export import Exportable

from .infer import condition_channels
from .lab import lab_scaled_to_rgb, read_out, rgb_to_lab_scaled


class ColorizeGraph(torch.nn.Module):
    def __init__(self, gen, channels: int | None = None, temperature: float = 0.38):
        super().__init__()
        self.gen, self.channels = gen, channels or condition_channels(gen)  # 4: hints held at zero
        self.temperature = temperature  # a bins head's read-out (lab.read_out)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        light, _ = rgb_to_lab_scaled(image * 2 - 1)
        cond = light
        if self.channels > 1:  # no hints: hint ab and mask are zero
            cond = torch.cat([light, torch.zeros_like(light).expand(-1, self.channels - 1, -1, -1)], dim=1)
        ab = read_out(self.gen({"condition": cond}).float(), self.temperature, size=tuple(light.shape[-2:]))
        return lab_scaled_to_rgb(light, ab)


def make_export(task, gen, cfg, rgb: np.ndarray) -> Exportable:
    x = torch.from_numpy(np.array(rgb)).permute(2, 0, 1)[None].float() / 255.0
    x = F.interpolate(x, size=(cfg.data.size, cfg.data.size + 32), mode="area")  # not square: W is dynamic
    note = "image: (B, 3, H, W) RGB in [0, 1], H and W multiples of 32 -> colorized: (B, 3, H, W) RGB in [0, 1]"
    return Exportable(ColorizeGraph(gen, task.channels, task.options.temperature), {"image": x}, "colorized", 32, note)
