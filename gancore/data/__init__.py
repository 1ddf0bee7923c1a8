"""Image files in, training batches out."""

from .cache import DecodedCache
from .folder import BadFileReporter, EndlessSampler, PhotoFolder
from .images import (
    EXTENSIONS,
    BadImage,
    companion_image,
    iter_rgb,
    list_images,
    open_image,
    read_rgb,
    require_images,
    to_rgb,
)

__all__ = [
    "EXTENSIONS",
    "BadFileReporter",
    "BadImage",
    "DecodedCache",
    "EndlessSampler",
    "PhotoFolder",
    "companion_image",
    "iter_rgb",
    "list_images",
    "open_image",
    "read_rgb",
    "require_images",
    "to_rgb",
]
