"""The Qt resource reader on a real ``.rcc`` from GCompris and on packed fixtures, damaged ones included."""

from __future__ import annotations

import struct

import pytest

from photoset.rcc import Rcc, RccError, write_rcc
from tests.helpers import ROOT

REAL = ROOT / "tests" / "data" / "photoset" / "tic_tac_toe_2players.rcc"
PREFIX = "gcompris/src/activities/tic_tac_toe_2players/"


def test_reads_qts_own_output_stored_and_compressed_entries():
    rcc = Rcc.open(REAL)
    assert rcc.version == 3
    assert rcc.names() == [
        PREFIX + n for n in ("ActivityInfo.qml", "Tic_tac_toe_2players.qml", "tic_tac_toe_2players.svg")
    ]
    flags = {n: rcc.files[n][0] for n in rcc.names()}
    assert flags[PREFIX + "tic_tac_toe_2players.svg"] == 1  # zlib-compressed by Qt's rcc
    assert flags[PREFIX + "ActivityInfo.qml"] == 0
    assert rcc.read(PREFIX + "ActivityInfo.qml").startswith(b"/* GCompris - ActivityInfo.qml")
    svg = rcc.read(PREFIX + "tic_tac_toe_2players.svg")
    assert svg.startswith(b"<svg") and svg.rstrip().endswith(b"</svg>")
    assert len(svg) == 6637


@pytest.mark.parametrize("version", [1, 2, 3])
@pytest.mark.parametrize("compress", [False, True])
def test_round_trip_of_a_nested_tree(version, compress):
    files = {"a/b/c.webp": b"\x00\x01" * 500, "a/d.txt": b"hello", "e": b"", "a/b/f/g.bin": bytes(range(256))}
    rcc = Rcc(write_rcc(files, compress=compress, version=version))
    assert rcc.names() == sorted(files)
    assert {n: rcc.read(n) for n in rcc.names()} == files


def test_damaged_files_are_refused_with_a_reason():
    good = REAL.read_bytes()
    with pytest.raises(RccError, match="magic"):
        Rcc(b"PK\x03\x04" + good[4:])
    with pytest.raises(RccError, match="past the end"):
        Rcc(good[: len(good) // 2]).names()  # the tree lies at the end of Qt's files
    with pytest.raises(RccError, match="version"):
        Rcc(good[:4] + struct.pack(">I", 9) + good[8:])


def test_a_compressed_entry_claiming_gigabytes_is_refused_before_inflating():
    blob = bytearray(write_rcc({"x": b"small"}, compress=True))
    at = blob.find(struct.pack(">I", 5))  # qCompress's size header of the 5-byte payload
    blob[at : at + 4] = struct.pack(">I", 2**31)
    with pytest.raises(RccError, match="limit"):
        Rcc(bytes(blob)).read("x")
