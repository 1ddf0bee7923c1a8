"""The inpainter app: photo + hole mask in, filled photo out; trained on your photos with synthetic masks.

Its task registers through the ``gancore.tasks`` entry point (``pyproject.toml``) when a config
is loaded; importing the package loads nothing heavy.
"""

from __future__ import annotations

from pathlib import Path


def inpaint(image, mask, model=None, device: str = "cpu"):
    """Fill the white part of ``mask`` in ``image``, as ``run --masks`` does: each a PIL image, a uint8
    array or a path (the mask: white = fill, thresholded at 50 %, transparent = black, resized if it
    differs); returns a PIL RGB image whose pixels outside the mask are the input's, bit for bit.
    ``model``: a checkpoint (default: the shipped ``assets/models/inpainter.safetensors``), loaded once.

    >>> from apps.inpainter import inpaint
    >>> inpaint("photo.jpg", "mask.png").save("filled.png")
    """
    import numpy as np
    from PIL import Image

    from gancore.data.images import to_rgb

    from ..inputs import generator, picture
    from .infer import MAX_SIDE, mask_from_image
    from .infer import inpaint as fill

    task, gen, _ = generator(model, _DEFAULT_MODEL, "inpainter", device)
    photo = to_rgb(picture(image))
    hole = mask_from_image(picture(mask), photo.size)
    return Image.fromarray(fill(task, gen, np.asarray(photo), hole, device, MAX_SIDE))


_DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "assets" / "models" / "inpainter.safetensors"
