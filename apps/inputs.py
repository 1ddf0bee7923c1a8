"""What the apps' Python functions share: any picture as the app's input, and one model per path, loaded once.

``picture(image)`` accepts a PIL image, a ``(H, W, 3)`` / ``(H, W)`` uint8 array, or a path
(``str`` or ``Path``), and returns the PIL image ``run`` would decode from a file
(``gancore.data.open_image``: EXIF orientation applied, size limits checked).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image


def picture(image: Any) -> Image.Image:
    from gancore.data import open_image

    if isinstance(image, Image.Image):
        from gancore.data.profiles import to_srgb

        return _not_empty(to_srgb(image))  # a colour profile in ``image.info``: converted, as from a file
    if isinstance(image, (str, Path)):
        return _not_empty(open_image(Path(image)))
    if isinstance(image, np.ndarray):
        if image.dtype != np.uint8 or image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (3, 4)):
            raise ValueError(
                f"expected an (H, W, 3) uint8 array (or (H, W) / (H, W, 4)). Got {image.dtype} {image.shape}"
            )
        if 0 in image.shape[:2]:
            raise ValueError(f"the picture is empty ({image.shape[1]} x {image.shape[0]} pixels)")
        return Image.fromarray(image)
    raise TypeError(f"expected a PIL image, a uint8 numpy array or a path. Got {type(image).__name__}")


def _not_empty(image: Image.Image) -> Image.Image:
    if image.width == 0 or image.height == 0:
        raise ValueError(f"the picture is empty ({image.width} x {image.height} pixels)")
    return image


@functools.lru_cache(maxsize=8)
def _cached(path: str, task: str, device: str, mtime: float):
    from gancore.inference import load_generator

    return load_generator(path, device, task=task)


def generator(model: str | Path | None, default: Path, task: str, device: str = "cpu"):
    """``(task, G, cfg)`` for ``model`` (default: the shipped one), loaded once per file and device.

    ``model``: a file, a training run's folder, or a name: a shipped model's (``"superres-x4-gan"``) or a
    run's under ``runs/`` (``gancore.models.resolve_model``)."""
    from gancore.models import resolve_model

    path = resolve_model(model, default.parent, task, "model=") if model is not None else default
    resolved = path.resolve()
    return _cached(str(resolved), task, device, resolved.stat().st_mtime if resolved.exists() else 0.0)
