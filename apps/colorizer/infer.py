"""Colorize one image at its full resolution with a trained generator."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from gancore.data import companion_image, read_rgb
from gancore.errors import UserError, check_finite

from .bands import join, lightness
from .hints import read_hint_image, rgba_to_hints, shrink
from .lab import read_out
from .spread import spread_hints


@torch.no_grad()
def colorize(
    gen,
    size: int,
    rgb: np.ndarray,
    device: str = "cpu",
    hints: np.ndarray | None = None,
    channels: int | None = None,
    upsample: str = "guided",
    spread: bool = True,
    temperature: float = 0.38,
    saturation: float = 1.0,
) -> np.ndarray:
    """RGB or gray-as-RGB ``uint8 (H, W, 3)`` -> colorized ``uint8 (H, W, 3)``, same size.

    Chroma is predicted on the lightness resized to ``size`` x ``size`` (the model's training
    size, with ``border_pad`` px of mirrored context around it), upsampled (``guided``: a fast
    guided filter on L, so colour stops at edges; ``bilinear``), and joined with the
    full-resolution lightness, so detail is never lost.

    ``hints``: a hint image, RGBA ``uint8 (H, W, 4)`` the photo's size (opaque pixels: the wanted
    colour; ``hints.read_hint_image``), for a model whose condition has ``channels`` = 4 (None: read
    from the network); None (or no opaque pixel) colorizes automatically. With ``spread`` the
    network's miss at each hint is spread edge-aware around it (``spread.spread_hints``), so the
    painted colour holds there.

    A model with a bins head (``task.head = "bins"``) is read at ``temperature`` (its config's; lower
    is more vivid). ``saturation`` scales the predicted chroma before the hints and the join (1: as
    predicted, 0: gray, 1.5: half again as colourful; colours past the gamut are clipped).
    """
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"expected an (H, W, 3) array. Got {rgb.shape}")
    channels = channels or condition_channels(gen)
    if hints is not None and channels == 1:
        raise ValueError("this model takes no colour hints (its condition is L alone)")
    if hints is not None and hints.shape[:2] != rgb.shape[:2]:
        raise ValueError(
            f"the hint image is {hints.shape[1]}x{hints.shape[0]}, the photo {rgb.shape[1]}x{rgb.shape[0]}"
        )
    if upsample not in ("guided", "bilinear"):
        raise ValueError(f"upsample: 'guided' or 'bilinear'. Got {upsample!r}")
    dev = torch.device(device)
    with torch.autocast(dev.type, enabled=False):  # colour maths in fp32 whatever the caller's autocast
        light = lightness(rgb, dev)  # (1, 1, H, W) in [-1, 1]; any colour in the input is dropped
        small = F.interpolate(light, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
        cond, hint_ab, mask = small, None, None
        if channels == 4:
            if hints is None:
                cond = torch.cat([small, torch.zeros(1, 3, size, size, device=dev)], dim=1)
            else:
                hint_ab, mask = rgba_to_hints(hints)
                hint_ab, mask = shrink(hint_ab.to(dev), mask.to(dev), (size, size))
                cond = torch.cat([small, hint_ab, mask], dim=1)
        pad = border_pad(gen, size, dev, channels)
        if pad:  # the photo's edges become interior for the network: no grayer (or coloured) frame
            cond = F.pad(cond, (pad, pad, pad, pad), mode="reflect")
    raw = gen({"condition": cond}).float()  # (1, 2 or bins, size + 2 pad, ...); bf16 under `run --precision bf16`
    check_finite(raw)
    ab = read_out(raw, temperature, saturation, size=tuple(cond.shape[-2:]))
    if pad:
        ab = ab[..., pad:-pad, pad:-pad]
    with torch.autocast(dev.type, enabled=False):
        if spread and hint_ab is not None:
            ab = spread_hints(ab, small, hint_ab, mask)
        return join(light, ab, small if upsample == "guided" else None)  # band by band: bounded memory


def condition_channels(gen) -> int:
    """The channels of the condition ``gen`` takes: its first convolution's input channels (1: L
    alone; 4: L and colour hints)."""
    first = next((m for m in gen.modules() if isinstance(m, torch.nn.Conv2d)), None)
    return first.in_channels if first is not None else 1


_PADS: dict[tuple[int, int, str, int], int] = {}


@torch.no_grad()
def border_pad(gen, size: int, device: torch.device, channels: int | None = None) -> int:
    """Mirrored context added around the model's input: about an eighth of ``size`` (16 px at 128),
    the first of a few candidates the network accepts (a U-Net needs a multiple of 2^levels).

    Without it the network sees zero padding at the photo's edges and paints a band of weaker
    colour there (``eval``'s border gap: -2.2 ab units on average, -5.8 at worst, on ``assets/eval``;
    with it -0.1 and 1.9).
    """
    channels = channels or condition_channels(gen)
    key = (id(gen), size, str(device), channels)
    if key not in _PADS:
        _PADS[key] = 0
        for pad in dict.fromkeys((max(16, size // 8 // 16 * 16), 16, 32, size // 4, size // 2)):
            if not 0 < pad < size:  # reflect padding needs pad < the input's side
                continue
            try:
                side = size + 2 * pad
                out = gen({"condition": torch.zeros(1, channels, side, side, device=device)})
            except (RuntimeError, ValueError):
                continue
            if out.shape[-1] == size + 2 * pad:
                _PADS[key] = pad
                break
    return _PADS[key]


class Colorizer:
    """``run``'s processor, in the split form of ``gancore.batch.Processor``.

    ``load`` (reader threads) decodes a file to RGB ``uint8 (H, W, 3)`` and, with ``hints_dir``,
    its hint image (same relative path and stem, any image extension; resized with a warning
    when its size differs; none: automatic); calling it on that pair (main thread) runs the model
    and returns the colorized PIL image, same size (PNG when saved).
    """

    def __init__(
        self,
        gen,
        size: int,
        device: str = "cpu",
        channels: int = 1,
        in_dir: Path | None = None,
        hints_dir=None,
        temperature: float = 0.38,
        saturation: float = 1.0,
    ):
        if not 0.0 <= saturation <= 3.0:
            raise UserError(f"--saturation must be from 0 to 3, got {saturation}")
        if hints_dir is not None:
            if channels == 1:
                raise UserError("--hints: this model takes no colour hints (train one with task.hints = true)")
            if not Path(hints_dir).is_dir():
                raise UserError(f"hint folder not found: {hints_dir}")
        self.gen, self.size, self.device, self.channels = gen, size, device, channels
        self.temperature, self.saturation = temperature, saturation
        self.in_dir = Path(in_dir) if in_dir is not None else None
        self.hints_dir = Path(hints_dir) if hints_dir is not None else None

    def load(self, path: Path) -> tuple[np.ndarray, np.ndarray | None]:
        rgb = read_rgb(path, notes=True)  # raises BadImage for an unreadable file
        if self.hints_dir is None:
            return rgb, None
        rel = path.relative_to(self.in_dir) if self.in_dir is not None else Path(path.name)
        hint_path = companion_image(self.hints_dir, rel)
        if hint_path is None:
            return rgb, None
        hints, resized = read_hint_image(hint_path, (rgb.shape[1], rgb.shape[0]))  # BadImage if unreadable
        if resized:
            print(
                f"warning: hint image {hint_path} is not the size of {path} ({rgb.shape[1]}x{rgb.shape[0]}): resized",
                file=sys.stderr,
            )
        return rgb, hints

    def __call__(self, item) -> Image.Image:
        rgb, hints = item if isinstance(item, tuple) else (item, None)
        out = colorize(
            self.gen, self.size, rgb, self.device, hints, self.channels,
            temperature=self.temperature, saturation=self.saturation,
        )  # fmt: skip
        return Image.fromarray(out)


def make_processor(task, gen, cfg, args) -> Colorizer:
    """For ``run``: a ``Colorizer`` at the model's training size, on ``args.device``, with ``--hints``."""
    hints = getattr(args, "hints", None)
    return Colorizer(
        gen, cfg.data.size, args.device, task.channels, getattr(args, "input", None), hints,
        temperature=task.options.temperature, saturation=getattr(args, "saturation", 1.0),
    )  # fmt: skip
