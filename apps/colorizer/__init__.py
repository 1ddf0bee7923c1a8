"""The colorizer app: L in, ab out; trained on your photos, run over folders, shown in a demo.

Its task registers through the ``gancore.tasks`` entry point (``pyproject.toml``) when a config
is loaded; importing the package loads nothing heavy.
"""

from __future__ import annotations

from pathlib import Path


def colorize(image, model=None, device: str = "cpu"):
    """Colorize one picture, as ``run`` does: a PIL image, an ``(H, W, 3)`` uint8 array or a path in,
    a PIL RGB image of the same size out. ``model``: a ``.safetensors`` checkpoint (default: the
    shipped ``assets/models/colorizer.safetensors``); loaded once and reused.

    >>> from apps.colorizer import colorize
    >>> colorize("old_scan.jpg").save("colorized.png")
    """
    import numpy as np

    from gancore.data.images import to_rgb

    from ..inputs import generator, picture
    from .infer import Colorizer

    _, gen, cfg = generator(model, _DEFAULT_MODEL, "colorizer", device)
    return Colorizer(gen, cfg.data.size, device)(np.asarray(to_rgb(picture(image))))


_DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "assets" / "models" / "colorizer.safetensors"
