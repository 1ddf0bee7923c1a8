"""DCGAN weight initialisation (Radford et al. 2016): conv and linear weights ~ N(0, 0.02)."""

from __future__ import annotations

import torch
from torch import nn

_WEIGHTED = (nn.Conv1d, nn.Conv2d, nn.ConvTranspose2d, nn.Linear)
_NORMS = (nn.BatchNorm1d, nn.BatchNorm2d, nn.InstanceNorm2d, nn.GroupNorm, nn.LayerNorm)


@torch.no_grad()
def dcgan_init(module: nn.Module, std: float = 0.02) -> None:
    """Conv/linear weights ``N(0, std)``, biases 0; normalisation scales ``N(1, std)``, shifts 0."""
    for m in module.modules():
        if isinstance(m, _WEIGHTED):
            nn.init.normal_(m.weight, 0.0, std)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, _NORMS) and getattr(m, "weight", None) is not None:
            nn.init.normal_(m.weight, 1.0, std)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
