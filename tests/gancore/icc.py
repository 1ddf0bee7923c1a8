"""A real ICC v2 matrix/TRC RGB profile written from its primaries, for tests of colour management
(Pillow can only create sRGB, and no Display P3 profile ships with Debian's base system)."""

from __future__ import annotations

import struct

import numpy as np

D50 = (0.9642, 1.0, 0.8249)
# the D50-adapted colorants (columns: red, green, blue; rows X, Y, Z), as Apple's Display P3 profile has them
DISPLAY_P3 = np.array([[0.5151, 0.2920, 0.1571], [0.2412, 0.6922, 0.0666], [-0.0011, 0.0419, 0.7841]])
SRGB = np.array([[0.4361, 0.3851, 0.1431], [0.2225, 0.7169, 0.0606], [0.0139, 0.0971, 0.7141]])


def _s15(v: float) -> bytes:
    return struct.pack(">i", round(v * 65536))


def _xyz(x: float, y: float, z: float) -> bytes:
    return b"XYZ " + b"\0" * 4 + _s15(x) + _s15(y) + _s15(z)


def _desc(text: str) -> bytes:
    ascii_ = text.encode("ascii") + b"\0"
    return b"desc" + b"\0" * 4 + struct.pack(">I", len(ascii_)) + ascii_ + b"\0" * 8 + b"\0" * 3 + b"\0" * 67


def rgb_profile(colorants: np.ndarray, gamma: float, description: str) -> bytes:
    """An ICC v2 display profile: ``colorants`` (3 x 3, D50-adapted XYZ of R, G, B as columns) and one
    gamma curve for the three channels."""
    curve = b"curv" + b"\0" * 4 + struct.pack(">IH", 1, round(gamma * 256)) + b"\0\0"
    tags = [
        (b"desc", _desc(description)),
        (b"cprt", b"text" + b"\0" * 4 + b"public domain\0"),
        (b"wtpt", _xyz(*D50)),
        (b"rXYZ", _xyz(*colorants[:, 0])),
        (b"gXYZ", _xyz(*colorants[:, 1])),
        (b"bXYZ", _xyz(*colorants[:, 2])),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for sig, body in tags:
        body += b"\0" * (-len(body) % 4)
        table += sig + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (
        struct.pack(">I", size) + b"lcms" + struct.pack(">I", 0x02100000) + b"mntr" + b"RGB " + b"XYZ "
        + struct.pack(">6H", 2026, 12, 6, 0, 0, 0) + b"acsp" + b"\0" * 24 + struct.pack(">I", 0)
        + _s15(D50[0]) + _s15(D50[1]) + _s15(D50[2]) + b"test" + b"\0" * 44
    )  # fmt: skip
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data


def to_srgb_reference(rgb: np.ndarray, colorants: np.ndarray, gamma: float) -> np.ndarray:
    """The exact conversion of ``rgb`` (uint8, ``(..., 3)``) from that profile to sRGB, by matrices
    (relative colorimetric, clipped), as float in [0, 255]: what a colour-managed viewer shows."""
    linear = (rgb / 255.0) ** gamma
    xyz = linear @ colorants.T
    srgb_linear = np.clip(xyz @ np.linalg.inv(SRGB).T, 0, 1)
    encoded = np.where(srgb_linear <= 0.0031308, 12.92 * srgb_linear, 1.055 * srgb_linear ** (1 / 2.4) - 0.055)
    return encoded * 255.0
