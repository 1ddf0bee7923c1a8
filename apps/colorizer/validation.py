"""The colorizer's scores while training (``gancore.engine.validation``): automatic mode, RGB PSNR and
colourfulness against the photos', on the run's fixed validation crops."""

from __future__ import annotations

import torch

from gancore.engine.validation import rgb_psnr
from gancore.tasks import Pair

MEASURES = {"psnr": "higher", "vivid_psnr": "higher"}  # by default the best model has the highest RGB PSNR
VIVID = 0.7  # vivid_psnr: PSNR less 0.2 dB for every point of colourfulness under 70 % of the photos'


def colourfulness(rgb: torch.Tensor) -> torch.Tensor:
    """Hasler-Suesstrunk colourfulness of each RGB ``(B, 3, H, W)`` picture in [-1, 1] (0..255 scale) -> ``(B,)``."""
    x = (rgb.clamp(-1, 1) + 1) * 127.5
    r, g, b = x[:, 0].flatten(1), x[:, 1].flatten(1), x[:, 2].flatten(1)
    rg, yb = r - g, 0.5 * (r + g) - b
    spread = torch.hypot(rg.std(1), yb.std(1))
    return spread + 0.3 * torch.hypot(rg.mean(1), yb.mean(1))


def pair(light: torch.Tensor, ab: torch.Tensor, channels: int) -> Pair:
    """L (and, for a hint model, empty hint channels): scored as it colorizes with no hint."""
    if channels == 1:
        return Pair(condition=light, target=ab)
    empty = torch.zeros_like(light)
    return Pair(condition=torch.cat([light, empty, empty, empty], dim=1), target=ab)


GRAY = 1.0  # a photo whose crops are less colourful than this is black and white: nothing to score


def scores(task, condition: torch.Tensor, output: torch.Tensor, target: torch.Tensor) -> dict[str, float]:
    """One photo's crops: RGB PSNR, and colourfulness over the photo's own (NaN for a black-and-white
    photo, which has no colour to get right; the validator's mean skips it)."""
    out, truth = task.to_rgb(condition, output), task.to_rgb(condition, target)
    own = colourfulness(truth).mean()
    if own < GRAY:
        return {"psnr": float("nan"), "colourfulness_share": float("nan"), "vivid_psnr": float("nan")}
    psnr, share = rgb_psnr(out, truth), float(colourfulness(out).mean() / own)
    vivid = psnr - 20.0 * max(0.0, VIVID - share)  # train.select = "vivid_psnr": faithful, and not muted
    return {"psnr": psnr, "colourfulness_share": share, "vivid_psnr": vivid}
