"""The super-resolution app: degraded LR in, HR out; trained on your photos, run over folders of any size."""

from . import task  # noqa: F401  (registers the "superres" task)
