"""A reader for Qt's binary resource files (``.rcc``, as written by ``rcc -binary``).

The format (Qt's ``qresource.cpp``): a header ``b"qres"``, version (1-3), then the offsets of three
tables, all big-endian:

- the **tree**: fixed-size nodes (14 bytes; 22 from version 2, which adds a modification time).
  Node 0 is the root directory. A node is ``name_offset u32, flags u16`` then, for a directory,
  ``child_count u32, first_child u32`` (children are consecutive nodes), or, for a file,
  ``territory u16, language u16, data_offset u32``;
- the **names**: ``length u16, hash u32`` then ``length`` UTF-16BE code units;
- the **data**: ``size u32`` then the bytes. A file flagged compressed (1) holds Qt's
  ``qCompress`` form: the uncompressed size as ``u32`` then a zlib stream; flag 4 is zstd,
  which we refuse (GCompris does not use it).

Only reading; nothing is executed. Sizes are checked against the file so a damaged resource
raises :class:`RccError` instead of reading past the end or inflating without bound.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

COMPRESSED, DIRECTORY, COMPRESSED_ZSTD = 0x01, 0x02, 0x04
MAX_ENTRY = 256 * 1024 * 1024  # no single resource we read may inflate past 256 MB


class RccError(ValueError):
    """The bytes are not a readable Qt resource file (names what is wrong)."""


class Rcc:
    """An ``.rcc`` file in memory: ``names()`` lists its files, ``read(name)`` returns one's bytes."""

    def __init__(self, data: bytes):
        if len(data) < 20 or data[:4] != b"qres":
            raise RccError("not a Qt resource file (no 'qres' magic)")
        self.version, self.tree, self.data_at, self.names_at = struct.unpack_from(">IIII", data, 4)
        if not 1 <= self.version <= 3:
            raise RccError(f"unsupported rcc version {self.version}")
        self.node_size = 14 if self.version == 1 else 22
        self.buf = data
        self.files: dict[str, tuple[int, int]] = {}  # path -> (flags, data offset)
        self._walk(0, "", depth=0)

    @classmethod
    def open(cls, path: str | Path) -> Rcc:
        return cls(Path(path).read_bytes())

    def _unpack(self, fmt: str, at: int) -> tuple:
        if at < 0 or at + struct.calcsize(fmt) > len(self.buf):
            raise RccError(f"offset {at} is past the end of the file ({len(self.buf)} bytes)")
        return struct.unpack_from(fmt, self.buf, at)

    def _name(self, offset: int) -> str:
        at = self.names_at + offset
        (length,) = self._unpack(">H", at)
        raw = self.buf[at + 6 : at + 6 + 2 * length]
        if len(raw) != 2 * length:
            raise RccError(f"name at {at} runs past the end of the file")
        return raw.decode("utf-16-be")

    def _walk(self, index: int, prefix: str, depth: int) -> None:
        if depth > 64:
            raise RccError("resource tree deeper than 64 levels (a loop?)")
        at = self.tree + index * self.node_size
        name_offset, flags = self._unpack(">IH", at)
        name = "" if index == 0 else self._name(name_offset)
        path = f"{prefix}/{name}" if prefix else name
        if flags & DIRECTORY:
            count, first = self._unpack(">II", at + 6)
            if count > len(self.buf) // self.node_size:
                raise RccError(f"directory '{path}' claims {count} children")
            for child in range(first, first + count):
                self._walk(child, path, depth + 1)
        else:
            (offset,) = self._unpack(">I", at + 10)
            self.files[path] = (flags, offset)

    def names(self) -> list[str]:
        """Every file's path inside the resource, sorted (``"gcompris/src/.../x.webp"``)."""
        return sorted(self.files)

    def read(self, name: str) -> bytes:
        """The uncompressed bytes of the file at ``name``; ``KeyError`` if there is none."""
        flags, offset = self.files[name]
        at = self.data_at + offset
        (size,) = self._unpack(">I", at)
        blob = self.buf[at + 4 : at + 4 + size]
        if len(blob) != size:
            raise RccError(f"'{name}': {size} bytes claimed, the file ends first")
        if flags & COMPRESSED_ZSTD:
            raise RccError(f"'{name}' is zstd-compressed (not supported)")
        if not flags & COMPRESSED:
            return blob
        if size < 4:
            raise RccError(f"'{name}': compressed entry shorter than its size header")
        (expected,) = struct.unpack_from(">I", blob)
        if expected > MAX_ENTRY:
            raise RccError(f"'{name}' claims {expected} bytes uncompressed (limit {MAX_ENTRY})")
        inflater = zlib.decompressobj()
        out = inflater.decompress(blob[4:], expected + 1)
        if len(out) != expected:
            raise RccError(f"'{name}': inflated to {len(out)} bytes, header says {expected}")
        return out

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())


def write_rcc(files: dict[str, bytes], compress: bool = True, version: int = 3) -> bytes:
    """Pack ``{"dir/name": bytes}`` as an ``.rcc`` (the tests' fixture; same layout as Qt's ``rcc``)."""
    tree_children: dict[str, list[str]] = {"": []}
    for path in sorted(files):
        parts = path.split("/")
        for i in range(1, len(parts) + 1):
            parent, node = "/".join(parts[: i - 1]), "/".join(parts[:i])
            tree_children.setdefault(parent, [])
            if node not in tree_children[parent]:
                tree_children[parent].append(node)
            if i < len(parts):
                tree_children.setdefault(node, [])
    order, queue = [""], [""]  # breadth-first: each directory's children are consecutive
    index: dict[str, int] = {"": 0}
    first_child: dict[str, int] = {}
    while queue:
        node = queue.pop(0)
        if node in files:
            continue
        first_child[node] = len(order)
        for child in tree_children[node]:
            index[child] = len(order)
            order.append(child)
            queue.append(child)
    names, name_at = bytearray(), {}
    data, data_at = bytearray(), {}
    for node in order[1:]:
        leaf = node.rsplit("/", 1)[-1]
        name_at[node] = len(names)
        encoded = leaf.encode("utf-16-be")
        names += struct.pack(">HI", len(encoded) // 2, 0) + encoded
        if node in files:
            payload = files[node]
            if compress:
                payload = struct.pack(">I", len(payload)) + zlib.compress(payload)
            data_at[node] = len(data)
            data += struct.pack(">I", len(payload)) + payload
    node_size = 14 if version == 1 else 22
    tree = bytearray()
    for node in order:
        if node in files:
            tree += struct.pack(">IHHHI", name_at[node], COMPRESSED if compress else 0, 0, 0, data_at[node])
        else:
            tree += struct.pack(">IHII", name_at.get(node, 0), DIRECTORY, len(tree_children[node]), first_child[node])
        if node_size == 22:
            tree += bytes(8)
    header = 24 if version >= 3 else 20
    data_offset = header
    names_offset = data_offset + len(data)
    tree_offset = names_offset + len(names)
    head = b"qres" + struct.pack(">IIII", version, tree_offset, data_offset, names_offset)
    if version >= 3:
        head += struct.pack(">I", 0)
    return head + bytes(data) + bytes(names) + bytes(tree)
