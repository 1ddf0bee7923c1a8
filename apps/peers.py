"""The peers (the tools people already use) as rows of the apps' ``eval`` tables.

They run in their own environment, ``.venv-peers`` (``make peers``), through ``python -m peers`` (the
``peers/`` package): the inputs are written as PNGs, the peer's outputs read back and scored here with
the project's own measures, so a peer's row means exactly what ours means. Outputs and times are
cached under ``.venv-peers/cache/`` (or ``$GANCORE_PEERS_CACHE``) by a hash of the method, scale and
input pixels, so a second ``make eval`` costs nothing for the peers (a new environment starts a new cache).

    if peers.available():
        outs = peers.run("patchmatch", {"a": rgb}, masks={"a": hole})   # {"a": (rgb_out, seconds)}
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from gancore.errors import UserError

ROOT = Path(__file__).resolve().parents[1]
ENV = ROOT / ".venv-peers"
STAMP = ENV / ".installed"
CACHE_ENV = "GANCORE_PEERS_CACHE"  # another cache folder (the tests give each run its own)


@dataclass(frozen=True)
class Peer:
    name: str  # the method's name for ``python -m peers``
    label: str  # its row in the tables
    scales: tuple[int, ...] = ()  # for an upscaler: the factors it does


UPSCALERS = (
    Peer("realesrgan-x4plus", "Real-ESRGAN x4plus", (2, 3, 4)),
    Peer("dat-light", "DAT-light", (2, 3, 4)),
)
FILLS = (Peer("patchmatch", "PatchMatch"), Peer("xphoto-fsr", "OpenCV xphoto FSR"))
LABELS = {p.name: p.label for p in (*UPSCALERS, *FILLS)}


def python() -> Path:
    return ENV / "bin" / "python"


def available() -> bool:
    """Whether ``make peers`` has made the peers' environment."""
    return STAMP.is_file() and python().exists()


def missing_line() -> str:
    """The one line ``eval`` prints when the peers' rows are left out."""
    return (
        "peers: not installed, so their rows are left out; `make peers` makes their environment "
        "(.venv-peers: Real-ESRGAN, DAT-light, PatchMatch, OpenCV xphoto; about 1 GB)"
    )


def _key(method: str, scale: int, rgb: np.ndarray, mask: np.ndarray | None) -> str:
    h = hashlib.sha256(f"{method}:{scale}:{rgb.shape}".encode())
    h.update(np.ascontiguousarray(rgb).tobytes())
    if mask is not None:
        h.update(np.packbits(mask.astype(bool)).tobytes())
    return h.hexdigest()[:32]


def run(
    method: str,
    images: dict[str, np.ndarray],
    scale: int = 1,
    masks: dict[str, np.ndarray] | None = None,
    cache: Path | None = None,
) -> dict[str, tuple[np.ndarray, float]]:
    """Each RGB ``(H, W, 3)`` uint8 picture through the peer ``method`` -> ``{name: (output, seconds)}``.

    ``masks``: for a fill, ``(H, W)`` bool holes (True = fill) by the same names. ``seconds`` is the
    peer's own time for that picture on this machine (model loading excluded), measured when it was
    first computed. A failing peer is a UserError with the last lines it printed.
    """
    if not available():
        raise UserError(missing_line())
    cache = cache or Path(os.environ.get(CACHE_ENV) or ENV / "cache") / method
    cache.mkdir(parents=True, exist_ok=True)
    keys = {n: _key(method, scale, rgb, None if masks is None else masks[n]) for n, rgb in images.items()}
    todo = [n for n, k in keys.items() if not (cache / f"{k}.json").is_file()]
    if todo:
        _compute(method, scale, {n: images[n] for n in todo}, masks, {n: keys[n] for n in todo}, cache)
    out = {}
    for n, k in keys.items():
        seconds = json.loads((cache / f"{k}.json").read_text())["seconds"]
        out[n] = (np.asarray(Image.open(cache / f"{k}.png").convert("RGB")), float(seconds))
    return out


def _compute(method, scale, images, masks, keys, cache: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="peers-") as tmp:
        src, dst, holes = Path(tmp) / "in", Path(tmp) / "out", Path(tmp) / "masks"
        src.mkdir()
        names = {}
        for i, (n, rgb) in enumerate(images.items()):
            names[f"{i:05d}.png"] = n
            Image.fromarray(rgb).save(src / f"{i:05d}.png", compress_level=1)
            if masks is not None:
                holes.mkdir(exist_ok=True)
                Image.fromarray(masks[n].astype(np.uint8) * 255).save(holes / f"{i:05d}.png")
        cmd = [str(python()), "-m", "peers", method, str(src), str(dst), "--scale", str(scale)]
        cmd += ["--masks", str(holes)] if masks is not None else []
        print(f"peers: {method} on {len(images)} pictures ...", file=sys.stderr, flush=True)
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-5:])
            raise UserError(f"peer {method} failed (exit {done.returncode}):\n{tail}")
        times = json.loads((dst / "times.json").read_text())
        for file, n in names.items():
            k = keys[n]
            Image.open(dst / file).save(cache / f"{k}.png", compress_level=1)
            (cache / f"{k}.json").write_text(json.dumps({"seconds": times[file]}) + "\n")


def seconds_per_megapixel(seconds: list[float], outputs: list[np.ndarray]) -> float:
    """Total time over total output megapixels: the speed people compare."""
    pixels = sum(o.shape[0] * o.shape[1] for o in outputs)
    return float(sum(seconds)) / max(pixels / 1e6, 1e-9)
