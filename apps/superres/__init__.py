"""The super-resolution app: degraded LR in, HR out; trained on your photos, run over folders of any size.

Its task registers through the ``gancore.tasks`` entry point (``pyproject.toml``) when a config
is loaded; importing the package loads nothing heavy.
"""

from __future__ import annotations


def upscale(image, scale: int | None = None, model=None, device: str = "cpu"):
    """Upscale one picture, as ``run`` does (tile by tile, any size; alpha, gray and 16-bit kept):
    a PIL image, a uint8 array or a path in, a PIL image ``scale`` times larger out. ``scale``:
    the model's (default) or a lower factor. ``model``: a checkpoint (default: the shipped
    ``assets/models/superres-x{scale}.safetensors`` if there is one, else ``superres-x4``), loaded once.

    >>> from apps.superres import upscale
    >>> upscale("small.png", scale=4).save("big.png")
    """
    from ..inputs import generator, picture
    from .infer import Upscaler
    from .models import for_scale

    task, gen, cfg = generator(model, for_scale(scale), "superres", device)  # the shipped model of that factor
    key = (id(gen), device)
    if key not in _UPSCALERS:
        _UPSCALERS[key] = Upscaler(task, gen, cfg, device)
    return _UPSCALERS[key].upscale(picture(image), scale)


_UPSCALERS: dict = {}
