"""The colorizer app: L in, ab out; trained on your photos, run over folders, shown in a demo.

Its task registers through the ``gancore.tasks`` entry point (``pyproject.toml``) when a config
is loaded; importing the package loads nothing heavy.
"""

from __future__ import annotations

from pathlib import Path


def colorize(image, model=None, device: str = "cpu", hints=None, saturation: float = 1.0):
    """Colorize one picture, as ``run`` does: a PIL image, an ``(H, W, 3)`` uint8 array or a path in,
    a PIL RGB image of the same size out. ``model``: a ``.safetensors`` checkpoint (default: the
    shipped ``assets/models/colorizer.safetensors``); loaded once and reused. ``hints``: colour
    hints as ``run --hints`` reads them (a PIL image, RGBA array or path; opaque pixels give the
    wanted colour; resized to the picture if need be), for a model that takes them. ``saturation``:
    the chroma scaled, as ``run --saturation`` (1: as predicted, 0: gray, above 1: more vivid).

    >>> from apps.colorizer import colorize
    >>> colorize("old_scan.jpg").save("colorized.png")
    """
    import numpy as np

    from gancore.data.images import to_rgb

    from ..inputs import generator, picture
    from .infer import Colorizer

    task, gen, cfg = generator(model, _DEFAULT_MODEL, "colorizer", device)
    rgb = np.asarray(to_rgb(picture(image)))
    proc = Colorizer(
        gen, cfg.data.size, device, task.channels, temperature=task.options.temperature, saturation=saturation
    )
    if hints is None:
        return proc(rgb)
    if task.channels == 1:
        raise ValueError("this model takes no colour hints")
    from .hints import fit_hint_image

    return proc((rgb, fit_hint_image(picture(hints), (rgb.shape[1], rgb.shape[0]))[0]))


_DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "assets" / "models" / "colorizer.safetensors"
