"""GCompris's per-image credits: the ``README`` packed beside the images in each ``.rcc``.

Paragraphs separated by blank lines, each ``Copyright:``, ``License:``, optional ``Source:`` and
``Comments:``, and ``Files:`` followed by names on the same line or on the lines after it, relative
to the README's folder::

    Copyright: Dietmar Rabich / Wikimedia Commons
    Source: https://commons.wikimedia.org/wiki/File:...
    License: CC-BY-SA-4.0
    Files: alpaca.webp
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Credit:
    """Author, licence and source page of one file (any field may be empty)."""

    author: str
    license: str
    source: str = ""


def parse(text: str, folder: str = "") -> dict[str, Credit]:
    """``{path: Credit}`` for every file named in the README; paths are ``folder/name``."""
    credits: dict[str, Credit] = {}
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        fields: dict[str, str] = {}
        files: list[str] = []
        in_files = False
        for line in block.splitlines():
            match = re.match(r"^\s*([A-Za-z][A-Za-z ]*?)\s*:\s*(.*)$", line)
            if match and not match.group(2).startswith("//") and match.group(1).lower() != "https":
                key, value = match.group(1).lower(), match.group(2).strip()
                in_files = key == "files"
                if in_files:
                    files += value.split()
                else:
                    fields[key] = value
            elif in_files and line.strip():
                files += line.split()
        if files and ("copyright" in fields or "license" in fields):
            credit = Credit(fields.get("copyright", ""), fields.get("license", ""), fields.get("source", ""))
            for name in files:
                credits[f"{folder}/{name}" if folder else name] = credit
    return credits
