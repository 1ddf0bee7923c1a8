"""The super-resolution app: degraded LR in, HR out; trained on your photos, run over folders of any size.

Its task registers through the ``gancore.tasks`` entry point (``pyproject.toml``) when a config
is loaded; importing the package loads nothing heavy.
"""

from __future__ import annotations


def upscale(image, scale: int | None = None, model=None, device: str = "cpu", strength: float | None = None):
    """Upscale one picture, as ``run`` does (tile by tile, any size; alpha, gray and 16-bit gray kept):
    a PIL image, a uint8 array or a path in, a PIL image ``scale`` times larger out (a PIL image holds 8 bits
    a colour channel: for 16-bit colour, ``run`` or ``Upscaler.upscale_array`` on a uint16 array). ``scale``:
    the model's (default) or a lower factor. ``model``: a checkpoint, a run folder or a shipped model's
    name (default: the shipped ``superres-x{scale}`` if there is one, else ``superres-x4``), loaded once.
    ``strength``: for a GAN model, 0 (its faithful PSNR model) to 1 (the GAN model), ``strength.py``.

    >>> from apps.superres import upscale
    >>> upscale("small.png", scale=4).save("big.png")
    >>> upscale("web.jpg", model="superres-x4-gan", strength=0.5)
    """
    from gancore.models import resolve_model

    from ..inputs import generator, picture
    from .infer import Upscaler, apply_strength
    from .models import for_scale

    default = for_scale(scale)  # the shipped model of that factor
    task, gen, cfg = generator(model, default, "superres", device)
    key = (id(gen), device, strength)
    if key not in _UPSCALERS:
        if strength is not None:  # the cached generator stays as it is: the blend goes to a copy
            import copy

            path = resolve_model(model, default.parent, "superres", "model=") if model is not None else default
            gen = copy.deepcopy(gen)
            apply_strength(gen, cfg, path, strength, device)
        _UPSCALERS[key] = Upscaler(task, gen, cfg, device)
    return _UPSCALERS[key].upscale(picture(image), scale)


_UPSCALERS: dict = {}
