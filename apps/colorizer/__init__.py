"""The colorizer app: L in, ab out; trained on your photos, run over folders, shown in a demo."""

from . import task  # noqa: F401  (registers the "colorizer" task)
