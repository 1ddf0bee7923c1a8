"""The layer ops of the DSL. Importing this package registers every op in ``LAYERS``."""

from . import activation, combine, conv, dense, norm  # noqa: F401  (registration)
from .base import LAYERS, BuildContext, Built, Param, build_layer

__all__ = ["LAYERS", "BuildContext", "Built", "Param", "build_layer"]
