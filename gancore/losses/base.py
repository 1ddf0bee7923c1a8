"""The adversarial-loss interface and its registry.

A loss turns discriminator outputs (logits of any shape ``(B, ...)``, e.g. a PatchGAN map
``(B, 1, H, W)``) into two scalars: the discriminator's loss and the generator's loss.

Optional capabilities, declared as class attributes (the trainer reads them; absent means False):

* ``g_uses_real``: ``g_loss`` needs ``d_real`` too (relativistic losses, qp);
* ``uses_labels``: ``d_loss`` takes ``labels=Labels(...)`` (label smoothing / noisy-label tricks);
* ``uses_samples``: ``d_loss`` takes ``real=`` and ``fake=`` target-shaped samples (qp's distance);
* ``autoencoder``: D reconstructs its input and its score is the per-sample L1 energy (BEGAN);
* ``update(d_real, d_fake)`` after each D step, ``logs()`` and ``state_dict()`` for stateful losses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import torch

from ..registry import Registry


class Loss(Protocol):
    def d_loss(self, d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor: ...

    def g_loss(self, d_real: torch.Tensor | None, d_fake: torch.Tensor) -> torch.Tensor:
        """``d_real`` is None unless the loss sets ``g_uses_real = True`` (relativistic losses)."""


@dataclass(frozen=True)
class Labels:
    """Per-sample discriminator targets in the GAN convention 1 = real, 0 = fake.

    ``real`` and ``fake`` broadcast against D's outputs, e.g. ``(B, 1, 1, 1)`` for a PatchGAN map.
    A loss maps them onto its own targets (least squares: ``a + label * (b - a)``).
    """

    real: torch.Tensor
    fake: torch.Tensor


def per_sample(d: torch.Tensor) -> torch.Tensor:
    """D outputs ``(B, ...)`` -> ``(B,)``: the mean over everything but the batch."""
    return d.reshape(d.shape[0], -1).mean(1)


def signed(reverse: bool) -> float:
    """HyperGAN's ``reverse``: the loss terms with a '-' sign, i.e. D's outputs negated."""
    return -1.0 if reverse else 1.0


LOSSES: Registry[type] = Registry("loss")
