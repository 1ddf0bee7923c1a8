"""A classical first guess for the holes: normalised-pyramid push-pull (kornia), batched on the device.

Push: the image times the known-pixel weight, and the weight, are blurred and halved
(``kornia.geometry.transform.pyrdown``) until no level has a hole. Pull: from the coarsest level
back up, each level keeps its own normalised value where it has support (weighted by
``min(1, GAIN x support)``) and takes the upsampled coarser fill elsewhere. Known pixels come
back exactly; holes get a smooth interpolation of their surroundings. With the default config
the generator predicts a residual over this fill (as the upscaler does over bicubic), so an
untrained network already fills holes about as well as ``cv2.inpaint`` (eval's ``pyramid`` row).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from kornia.geometry.transform import pyrdown

EPS = 1e-6
GAIN = 32.0  # a level keeps its own value once 1/GAIN of its blurred support is known (1: plain weighting)


def pyramid_fill(image: torch.Tensor, known: torch.Tensor) -> torch.Tensor:
    """``image`` ``(B, C, H, W)``, ``known`` ``(B, 1, H, W)`` in {0, 1} -> ``(B, C, H, W)``, holes filled.

    Where ``known`` is 1 the result is ``image`` exactly; where a hole covers everything down to
    the coarsest level (a fully masked image) the result is 0. No host sync: the levels depend
    on the size alone, and the pull restarts (plain normalised value) at every level that has no
    hole in the batch, so the result is the one of stopping the push at the first such level.
    """
    values, weights = [image * known], [known]
    while min(values[-1].shape[-2:]) >= 3:  # pyrdown's 5-tap reflect padding needs 3 pixels
        values.append(pyrdown(values[-1]))
        weights.append(pyrdown(weights[-1]))
    filled = values[-1] / weights[-1].clamp_min(EPS)
    for v, w in zip(reversed(values[:-1]), reversed(weights[:-1])):
        plain = v / w.clamp_min(EPS)
        up = F.interpolate(filled, size=v.shape[-2:], mode="bilinear", align_corners=False)
        support = torch.where(w > EPS, (GAIN * w).clamp(max=1.0), torch.zeros_like(w))
        filled = torch.where((w > EPS).all(), plain, plain * support + up * (1 - support))
    return filled
