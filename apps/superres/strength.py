"""``--strength S``: between the faithful (PSNR) model and the natural-looking (GAN) one it was tuned from.

Network interpolation (Real-ESRGAN's DNI, Wang et al. 2018): every weight is ``(1 - S) * PSNR + S * GAN``,
so one pass costs what either model costs, and ``S = 0`` and ``S = 1`` are the two models exactly (the
same weights, bit for bit). The PSNR partner of a GAN model is, in order: the shipped model of the same
name without ``-gan`` beside it (``superres-x4-gan`` -> ``superres-x4``), else the model the GAN run
started from (its config's ``train.init_generator``). Both must be the same network.
"""

from __future__ import annotations

from pathlib import Path

import torch

from gancore.errors import UserError


def partner(model: Path, init_generator: str | None) -> Path:
    """The PSNR model a GAN model was fine-tuned from (see the module docstring), or a UserError."""
    model = Path(model)
    named = model.with_name(model.stem.removesuffix("-gan") + model.suffix)
    if model.stem.endswith("-gan") and named.is_file():
        return named
    if init_generator and Path(init_generator).is_file():
        return Path(init_generator)
    raise UserError(
        f"--strength needs the PSNR model {model.name} was tuned from (a {named.name} beside it, or the run's "
        "train.init_generator); this model has neither: drop --strength"
    )


def blend(gan: dict[str, torch.Tensor], psnr: dict[str, torch.Tensor], strength: float) -> dict[str, torch.Tensor]:
    """The interpolated state dict; the same keys and shapes are required (else a UserError)."""
    if not 0.0 <= strength <= 1.0:
        raise UserError(f"--strength must be between 0 (faithful) and 1 (natural), got {strength}")
    if gan.keys() != psnr.keys() or any(gan[k].shape != psnr[k].shape for k in gan):
        raise UserError("--strength: the GAN model and its PSNR model are not the same network")
    if strength == 0.0:
        return {k: v.clone() for k, v in psnr.items()}
    if strength == 1.0:
        return {k: v.clone() for k, v in gan.items()}
    return {k: torch.lerp(psnr[k], gan[k], strength) if gan[k].is_floating_point() else gan[k].clone() for k in gan}
