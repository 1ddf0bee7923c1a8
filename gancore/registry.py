"""A registry per component kind (layers, losses, trainers, tasks, ...), filled by a decorator.

    LOSSES = Registry("loss")

    @LOSSES.register("least_squares")
    class LeastSquaresLoss: ...

    LOSSES.get("least_squres")  # UserError: unknown loss 'least_squres' (valid: least_squares, standard)

A duplicate name is a programming error and fails at import time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from .errors import ConfigError

T = TypeVar("T")


class Registry(Generic[T]):
    """Maps a name to a component; ``kind`` is used in error messages."""

    def __init__(self, kind: str):
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, name: str, *aliases: str) -> Callable[[T], T]:
        def add(obj: T) -> T:
            for key in (name, *aliases):
                if key in self._items:
                    raise KeyError(f"{self.kind} '{key}' is registered twice")
                self._items[key] = obj
            return obj

        return add

    def get(self, name: str, path: str = "") -> T:
        """The component called ``name``; a ConfigError at ``path`` lists the valid names."""
        if name not in self._items:
            raise ConfigError(path, f"unknown {self.kind} '{name}' (valid: {', '.join(self.names())})")
        return self._items[name]

    def names(self) -> list[str]:
        return sorted(self._items)

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())
