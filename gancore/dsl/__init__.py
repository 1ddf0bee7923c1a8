"""The layer DSL: strings like ``"conv 64 stride=2 name=e1"`` parsed into ``LayerSpec``."""

from .parser import parse_layer
from .spec import LayerSpec, Size

__all__ = ["LayerSpec", "Size", "parse_layer"]
