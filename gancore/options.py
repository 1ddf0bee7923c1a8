"""Field helpers for the ``Options`` dataclasses of components (losses, penalties, trainers, tricks, ...).

Kept outside ``gancore.config`` so that component modules, which the config schema imports, never
import the schema back.
"""

from __future__ import annotations

import dataclasses
from typing import Any


def alias(*names: str, default: Any = dataclasses.MISSING, **kw) -> Any:
    """A dataclass field that also accepts ``names`` in JSON (HyperGAN's and GAGA's spellings)."""
    return dataclasses.field(default=default, metadata={"aliases": names}, **kw)
