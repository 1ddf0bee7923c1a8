"""Packages from another Debian release, which ``apt-get download`` on this one cannot give.

``pool.tsv`` pins each by its archive URL and SHA-256 (``budgie-backgrounds`` is only in Debian 13,
"trixie"): :func:`fetch` downloads the file once into the ``.deb`` cache and refuses one whose bytes
differ from the pinned hash, so the photo set stays reproducible.
"""

from __future__ import annotations

import csv
import hashlib
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

POOL = Path(__file__).resolve().parent / "pool.tsv"


@dataclass(frozen=True)
class Pinned:
    package: str
    version: str
    url: str
    sha256: str

    @property
    def file_name(self) -> str:
        return self.url.rsplit("/", 1)[-1]


def read_pool(path: Path = POOL) -> dict[tuple[str, str], Pinned]:
    """``(package, version)`` -> its pinned archive file."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = [Pinned(r["package"], r["version"], r["url"], r["sha256"]) for r in csv.DictReader(f, delimiter="\t")]
    return {(p.package, p.version): p for p in rows}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(pinned: Pinned, debs: Path) -> Path:
    """The pinned ``.deb`` under ``debs``, downloaded if absent; ``ValueError`` if its SHA-256 differs
    (a partial or altered file is removed, never used), ``OSError`` if it cannot be downloaded."""
    debs.mkdir(parents=True, exist_ok=True)
    target = debs / pinned.file_name
    if target.exists() and _sha256(target) == pinned.sha256:
        return target
    print(f"downloading {pinned.package} {pinned.version} from {pinned.url} ...", file=sys.stderr)
    partial = target.with_name(target.name + ".part")
    with urllib.request.urlopen(pinned.url, timeout=60) as response, partial.open("wb") as out:
        while block := response.read(1 << 20):
            out.write(block)
    got = _sha256(partial)
    if got != pinned.sha256:
        partial.unlink()
        raise ValueError(f"{pinned.url}: SHA-256 {got}, expected {pinned.sha256} (photoset/pool.tsv)")
    partial.replace(target)
    return target
