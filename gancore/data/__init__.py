"""Image files in, training batches out."""

from .folder import BadFileReporter, EndlessSampler, PhotoFolder
from .images import EXTENSIONS, BadImage, iter_rgb, list_images, open_image, read_rgb, require_images, to_rgb

__all__ = [
    "EXTENSIONS",
    "BadFileReporter",
    "BadImage",
    "EndlessSampler",
    "PhotoFolder",
    "iter_rgb",
    "list_images",
    "open_image",
    "read_rgb",
    "require_images",
    "to_rgb",
]
