"""The near-duplicate test lives in the core (``gancore.data.dedupe``): training's validation split uses it too."""

from gancore.data.dedupe import MAX_BITS, dhash, near_duplicate

__all__ = ["MAX_BITS", "dhash", "near_duplicate"]
