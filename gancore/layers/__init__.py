"""The layer ops of the DSL. Importing this package registers every op in ``LAYERS``."""

from . import (  # noqa: F401  (registration)
    activation,
    attention,
    combine,
    conv,
    dense,
    fourier,
    gated,
    norm,
    resample,
    residual,
    rrdb,
    shape,
    sources,
    style,
)
from .base import LAYERS, BuildContext, Built, Param
from .build import build_layer

__all__ = ["LAYERS", "BuildContext", "Built", "Param", "build_layer"]
