"""Who holds each file: a reader for Debian's machine-readable ``copyright`` files (DEP-5).

A stanza is ``Files:`` (space-separated globs), ``Copyright:`` and ``License:`` (its first line is
the licence's short name). As DEP-5 says, the last stanza whose pattern matches a file wins.
Debian's patterns name the *source* tree (``src/activities/erase/resource/horse.jpg``) while we
know the *installed* path (``.../erase.rcc::gcompris/src/activities/erase/resource/horse.webp``),
so a pattern matches when it matches any trailing part of the path, ignoring the extension
(GCompris converted its JPEGs to WebP when packing them).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True)
class Stanza:
    """One ``Files:`` paragraph: its globs, copyright holders (one line) and licence short name."""

    patterns: tuple[str, ...]
    copyright: str
    license: str


def parse(text: str) -> list[Stanza]:
    """Every ``Files:`` stanza of a DEP-5 file, in order (header and licence-text stanzas skipped)."""
    stanzas = []
    for block in re.split(r"\n\s*\n", text):
        fields: dict[str, list[str]] = {}
        key = None
        for line in block.splitlines():
            if line[:1] in (" ", "\t") and key:
                fields[key].append(line.strip())
            elif ":" in line:
                key, _, value = line.partition(":")
                key = key.strip().lower()
                fields[key] = [value.strip()]
        if "files" in fields:
            patterns = tuple(p for line in fields["files"] for p in line.split())
            holders = "; ".join(x for x in fields.get("copyright", []) if x and x != ".")
            licence = (fields.get("license") or [""])[0]
            stanzas.append(Stanza(patterns, holders, licence))
    return stanzas


def _suffixes(path: str) -> list[str]:
    parts = PurePosixPath(path).parts
    return ["/".join(parts[i:]) for i in range(len(parts))]


def _stem(path: str) -> str:
    return re.sub(r"\.[A-Za-z0-9]+$", "", path)


def lookup(stanzas: list[Stanza], path: str) -> Stanza | None:
    """The stanza that governs ``path`` (last match wins; ``None`` when none matches)."""
    path = path.replace("::", "/").replace("#", "/")
    candidates = _suffixes(path)
    stems = [_stem(c) for c in candidates]
    found = None
    for stanza in stanzas:
        for pattern in stanza.patterns:
            if any(fnmatch.fnmatchcase(c, pattern) for c in candidates) or any(
                fnmatch.fnmatchcase(s, _stem(pattern)) for s in stems if "*" not in pattern
            ):
                found = stanza
                break
    if found is None or found.patterns == ("*",):  # a package may install a file away from its source
        name = PurePosixPath(path).name  # path (lomiri: 16.04/x.jpg -> usr/share/backgrounds/x.jpg)
        same = {id(st): st for st in stanzas for p in st.patterns if "*" not in p and PurePosixPath(p).name == name}
        if len(same) == 1:
            found = next(iter(same.values()))
    return found
