"""Upscale whole images with a trained generator: any size (tiles), any mode, x2 / x3 / x4.

up = Upscaler.load("assets/models/superres-x4.safetensors")
big = up.upscale(Image.open("photo.png"))            # PIL in, PIL out (mode kept, see modes.py)
big2 = up.upscale(Image.open("photo.png"), scale=2)  # a lower factor than the model's: resampled

The generator's layers are built for one input size (``resize_conv`` keeps its output size), so
the weights are loaded into a copy built for the tile size; every tile has that size.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from gancore.config import Config
from gancore.data import open_image
from gancore.errors import UserError
from gancore.gan import generator_inputs
from gancore.inference import load_generator
from gancore.network import build_network

from .ensemble import self_ensemble
from .modes import Layers, WidePicture, join, split, upscale_alpha
from .options import PAD, TILE_BATCH_CUDA, TILE_OUT, add_run_arguments, add_tile_arguments  # noqa: F401  (re-exported)
from .tiles import core_size, upscale_tiled
from .wide import read_wide


def default_tile(scale: int, pad: int = PAD) -> int:
    """Input pixels per tile side so that a tile, context included, comes out ``TILE_OUT`` pixels wide."""
    return max(32, TILE_OUT // scale - 2 * pad)


class Upscaler:
    """A generator for images of any size, applied tile by tile (``tiles.py``)."""

    def __init__(
        self,
        task,
        gen,
        cfg: Config,
        device: str = "cpu",
        tile: int | None = None,
        pad: int = PAD,
        tile_batch: int | None = None,
        ensemble: bool = False,
    ):
        if (tile is not None and tile < 1) or pad < 0 or (tile_batch is not None and tile_batch < 1):
            raise UserError(
                f"--tile and --tile-batch must be at least 1 and --tile-pad at least 0, "
                f"got {tile}, {tile_batch} and {pad}"
            )
        self.task, self.cfg, self.device = task, cfg, device
        # tiles per forward pass: one on the CPU (memory stays one tile's), several keep a GPU busy
        self.tile_batch = tile_batch or (TILE_BATCH_CUDA if torch.device(device).type == "cuda" else 1)
        self.scale: int = task.scale
        self.tile, self.pad = tile or default_tile(self.scale, pad), pad
        self.ensemble = ensemble  # average the 8 flips and quarter-turns of each tile (ensemble.py)
        self._weights = gen.state_dict()
        self._nets: dict[int, torch.nn.Module] = {}

    @classmethod
    def load(
        cls,
        model: str | Path,
        device: str = "cpu",
        tile: int | None = None,
        pad: int = PAD,
        tile_batch: int | None = None,
        ensemble: bool = False,
        strength: float | None = None,
    ) -> Upscaler:
        """``strength``: between the model's PSNR partner (0) and the model itself (1), ``strength.py``."""
        task, gen, cfg = load_generator(model, device, task="superres")
        if strength is not None:
            apply_strength(gen, cfg, Path(model), strength, device)
        return cls(task, gen, cfg, device, tile, pad, tile_batch, ensemble)

    @staticmethod
    def options(args: argparse.Namespace) -> dict:
        """The tiling and ensemble keywords of ``run`` / ``eval``'s command line (``--tile-batch`` and
        ``--ensemble`` may be missing from a namespace built elsewhere)."""
        return {
            "tile": args.tile,
            "pad": args.tile_pad,
            "tile_batch": getattr(args, "tile_batch", None),
            "ensemble": getattr(args, "ensemble", False),
        }

    def _net(self, size: tuple[int, int]) -> torch.nn.Module:
        """The generator built for LR inputs of ``size`` (height, width) (cached: one per tile shape)."""
        if size not in self._nets:
            if len(self._nets) >= 2:  # a big image's tiles and a small image's one tile
                self._nets.pop(next(iter(self._nets)))
            c = self.cfg.generator
            inputs = dict(generator_inputs(self.cfg, self.task, self.cfg.data.size))
            inputs["condition"] = (inputs["condition"][0], *size)
            gen = build_network("generator", c.layers, inputs, c.input, c.defaults)
            gen.load_state_dict(self._weights)
            self._nets[size] = gen.eval().requires_grad_(False).to(self.device)
        return self._nets[size]

    def check_scale(self, scale: int | None) -> int:
        """The output factor: the model's, or a lower one (the model's output is resampled)."""
        if scale is None:
            return self.scale
        if not 2 <= scale <= self.scale:
            valid = ", ".join(str(s) for s in range(2, self.scale + 1))
            raise UserError(
                f"--scale {scale}: this model upscales x{self.scale} (valid: {valid}; a lower factor resamples "
                f"its output); for x{scale}, train a model with task.scale = {scale}"
            )
        return scale

    def upscale_array(self, image: np.ndarray, scale: int | None = None) -> np.ndarray:
        """``(H, W, 3)`` RGB or ``(H, W, 1)`` gray, uint8 or uint16 -> ``(H * s, W * s, C)``, same dtype."""
        scale = self.check_scale(scale)
        ch, cw = core_size(image.shape[0], image.shape[1], self.tile, square=self.ensemble)
        net = self._net((ch + 2 * self.pad, cw + 2 * self.pad))

        def model(x: torch.Tensor) -> torch.Tensor:
            return self.task.compose(x, net({"condition": x}))

        def forward(x: torch.Tensor) -> torch.Tensor:
            return self_ensemble(model, x) if self.ensemble else model(x)

        return upscale_tiled(
            image, forward, self.scale, self.tile, self.pad, scale, self.device, self.tile_batch, self.ensemble
        )

    def upscale(self, img: Image.Image, scale: int | None = None) -> Image.Image:
        """Any PIL image -> upscaled PIL image (alpha bicubic; gray, 16-bit kept; palette -> RGB(A))."""
        return self.upscale_layers(split(img), scale)

    def upscale_layers(self, layers: Layers, scale: int | None = None) -> Image.Image | WidePicture:
        """``modes.split``'s (or ``wide.read_wide``'s) colour and alpha -> the upscaled PIL image (alpha
        bicubic, apart); 16-bit colour -> a ``WidePicture`` (written as a 16-bit PNG)."""
        scale = self.check_scale(scale)
        colour = self.upscale_array(layers.colour, scale)
        alpha = upscale_alpha(layers.alpha, scale) if layers.alpha is not None else None
        return join(colour, alpha)


class FolderUpscaler:
    """``run``'s processor, in the split form of ``gancore.batch.Processor``.

    ``load`` (reader threads) decodes a file and takes it apart (``modes.split``: colour
    ``(H, W, 1 or 3)``, alpha; a 16-bit colour file through ``wide.read_wide``); calling it on those
    layers (main thread) upscales them tile by tile and returns the PIL image ``(H * scale, W * scale)``,
    or a ``WidePicture`` for 16-bit colour (saved as PNG either way).
    """

    def __init__(self, up: Upscaler, scale: int | None = None):
        self.up = up
        self.scale = up.check_scale(scale)  # fail before the first file

    def load(self, path: Path) -> Layers:
        wide = read_wide(path)  # 16 bits a colour channel, kept (wide.py)
        if wide is not None:
            return wide
        return split(open_image(path, notes=True))  # raises BadImage for an unreadable file

    def __call__(self, layers: Layers) -> Image.Image | WidePicture:
        return self.up.upscale_layers(layers, self.scale)


def make_processor(task, gen, cfg: Config, args: argparse.Namespace) -> FolderUpscaler:
    """For ``run``: a ``FolderUpscaler`` with the command line's tiles and factor."""
    if getattr(task, "name", "") != "superres":
        raise UserError(f"the model is a {cfg.task.type} model, not a superres one")
    if getattr(args, "strength", None) is not None:
        apply_strength(gen, cfg, Path(args.model), args.strength, args.device)
    up = Upscaler(task, gen, cfg, args.device, **Upscaler.options(args))
    return FolderUpscaler(up, args.scale)


def apply_strength(gen, cfg, model: Path, strength: float, device) -> None:
    """``gen`` (loaded from ``model``) given the weights ``strength`` of the way from its PSNR partner."""
    from .strength import blend, partner

    _, psnr, _ = load_generator(partner(model, cfg.train.init_generator), device, task="superres")
    gen.load_state_dict(blend(gen.state_dict(), psnr.state_dict(), strength))
