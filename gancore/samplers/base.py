"""The sampler registry: what a sample sheet shows (``"sampler": {"type": "grid"}`` in a config).

A sampler turns the fixed sample batch into the sheet's columns::

    columns = sampler.sheet(gan, pair)     # list of RGB (B, 3, H, W) in [-1, 1], one per column

Samplers draw with ``gan.generate(..., ema=True)``: the EMA generator when the ``ema`` trick is on.
"""

from __future__ import annotations

from ..registry import Registry

SAMPLERS: Registry[type] = Registry("sampler")
