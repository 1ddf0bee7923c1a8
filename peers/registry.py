"""The peers by name: each is a class with ``load(scale, threads)`` once and ``__call__(rgb, mask)`` per picture."""

from __future__ import annotations

from collections.abc import Callable

PEERS: dict[str, Callable] = {}


def peer(name: str):
    def add(cls):
        if name in PEERS:
            raise ValueError(f"peer {name!r} registered twice")
        PEERS[name] = cls
        return cls

    return add


def get(name: str):
    if name not in PEERS:
        raise SystemExit(f"error: unknown peer {name!r} (known: {', '.join(sorted(PEERS))})")
    return PEERS[name]
