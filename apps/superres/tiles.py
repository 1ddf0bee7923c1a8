"""Upscale an image of any size tile by tile, so memory stays bounded whatever the input's size.

The image is cut into *cores* of at most ``tile`` x ``tile`` LR pixels, no taller or wider than
the image itself (a 4096 x 1 strip is cut into 1-pixel-high cores, so its cost follows its pixels;
``square`` keeps them square, for the self-ensemble's quarter-turns). Each core is fed to the network with
``pad`` pixels of real context around it (mirrored past the image's edges) and only the core's
part of the output is kept. When ``pad`` covers the network's receptive field the result equals
the whole image upscaled at once (the same mirrored border), so there is nothing to blend and no
seam. (A generator with per-image statistics, e.g. ``instance_norm``, would differ per tile.)
Memory: the input, the output, and one tile's activations; never a float copy of the image.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import cv2
import numpy as np
import torch

from gancore.errors import check_finite

Net = Callable[[torch.Tensor], torch.Tensor]  # (b, 3, h, w) in [-1, 1] -> (b, 3, h * scale, w * scale)


def max_value(dtype: np.dtype) -> float:
    """The white level of an integer image type: 255 for uint8, 65535 for uint16."""
    if dtype == np.uint8:
        return 255.0
    if dtype == np.uint16:
        return 65535.0
    raise ValueError(f"expected a uint8 or uint16 image. Got {dtype}")


def core_size(height: int, width: int, tile: int, square: bool = False) -> tuple[int, int]:
    """The cores' (height, width): ``tile`` each, or the image's own where it is smaller (``square``: the
    larger of the two for both)."""
    if square:
        side = max(1, min(tile, max(height, width)))
        return side, side
    return max(1, min(tile, height)), max(1, min(tile, width))


def upscale_tiled(
    image: np.ndarray,  # (H, W, C) uint8 or uint16, C = 1 (gray) or 3 (RGB)
    net: Net,  # the network for inputs of core_size(...) + 2 * pad
    scale: int,  # the network's factor
    tile: int = 192,  # core side, LR pixels
    pad: int = 16,  # context around each core, LR pixels; at least the receptive field radius
    out_scale: int | None = None,  # the output's factor (<= scale); each tile is resampled (area)
    device: torch.device | str = "cpu",
    batch: int = 1,  # tiles per forward pass (more keeps a GPU busy; memory grows with it)
    square: bool = False,  # square cores whatever the image's shape (a network that turns its input)
) -> np.ndarray:
    """``(H, W, C)`` -> ``(H * out_scale, W * out_scale, C)``, same dtype. Gray goes in as R = G = B."""
    if image.ndim != 3 or image.shape[2] not in (1, 3):
        raise ValueError(f"expected an (H, W, 1) or (H, W, 3) array. Got {image.shape}")
    top = max_value(image.dtype)
    out_scale = out_scale or scale
    h, w, c = image.shape
    ch, cw = core_size(h, w, tile, square)
    ny, nx = math.ceil(h / ch), math.ceil(w / cw)
    # mirror the border: `pad` of context, and the last row / column of cores filled up
    padded = np.pad(image, ((pad, ny * ch - h + pad), (pad, nx * cw - w + pad), (0, 0)), mode="symmetric")
    out = np.empty((h * out_scale, w * out_scale, c), image.dtype)
    cores = [(i * ch, j * cw) for i in range(ny) for j in range(nx)]
    for k in range(0, len(cores), batch):  # `batch` tiles per forward pass (all have the same size)
        group = cores[k : k + batch]
        windows = [padded[y0 : y0 + ch + 2 * pad, x0 : x0 + cw + 2 * pad] for y0, x0 in group]  # (h', w', C)
        x = torch.from_numpy(np.stack(windows).astype(np.float32)).to(device).permute(0, 3, 1, 2)
        x = (x * (2.0 / top) - 1.0).expand(-1, 3, -1, -1)  # (b, 3, n, n) in [-1, 1]
        with torch.no_grad():
            ys_ = net(x)  # (b, 3, n * scale, n * scale)
        check_finite(ys_)
        for (y0, x0), y in zip(group, ys_):
            # keep the core, then the part of it inside the image
            kh, kw = min(ch, h - y0), min(cw, w - x0)
            y = y[:, pad * scale : (pad + kh) * scale, pad * scale : (pad + kw) * scale]
            y = y.mean(0, keepdim=True) if c == 1 else y  # gray: the mean of the three outputs
            rgb = ((y.permute(1, 2, 0).float().cpu().numpy() + 1.0) * (top / 2.0)).clip(0, top)
            if out_scale != scale:  # box-filter down to the asked factor (exact across tile edges)
                rgb = cv2.resize(rgb, (kw * out_scale, kh * out_scale), interpolation=cv2.INTER_AREA)
                rgb = rgb.reshape(kh * out_scale, kw * out_scale, c)
            ys, xs = y0 * out_scale, x0 * out_scale
            out[ys : ys + kh * out_scale, xs : xs + kw * out_scale] = (rgb + 0.5).astype(image.dtype)
    return out
