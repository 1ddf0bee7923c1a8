"""The adversarial-loss interface and its registry.

A loss turns discriminator outputs (logits of any shape ``(B, ...)``, e.g. a PatchGAN map
``(B, 1, H, W)``) into two scalars: the discriminator's loss and the generator's loss.
"""

from __future__ import annotations

from typing import Protocol

import torch

from ..registry import Registry


class Loss(Protocol):
    def d_loss(self, d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor: ...

    def g_loss(self, d_real: torch.Tensor | None, d_fake: torch.Tensor) -> torch.Tensor:
        """``d_real`` is None unless the loss sets ``g_uses_real = True`` (relativistic losses)."""


LOSSES: Registry[type] = Registry("loss")
