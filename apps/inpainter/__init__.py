"""The inpainter app: photo + hole mask in, filled photo out; trained on your photos with synthetic masks."""

from . import task  # noqa: F401  (registers the "inpainter" task)
