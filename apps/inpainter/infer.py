"""Fill the holes of one photo at full resolution, and the ``run`` verb's processor.

out = inpaint(task, gen, rgb, hole)   # rgb (H, W, 3) uint8, hole (H, W) bool (True = fill) -> (H, W, 3) uint8

Pixels outside the hole are copied from the input, so they are bit-identical at any size.
"""

from __future__ import annotations

import argparse
import os
import sys
import zlib
from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from gancore.data import BadImage, companion_image, open_image, to_rgb
from gancore.data.images import WIDE_MODES, wide_gray
from gancore.errors import UserError, check_finite

from .crops import hole_boxes
from .feather import feather
from .masks import MASK_POLICIES, draw_fixed

MULTIPLE = 16  # the default generator halves the size 4 times: crops are padded to a multiple of this
from .options import MAX_SIDE, add_run_arguments  # noqa: F401, E402  (re-exported)


def reduction(h: int, w: int, max_side: int) -> float:
    """The factor a crop of ``h x w`` is reduced by for the model (1: worked at its size)."""
    return min(1.0, max_side / max(h, w))


@torch.no_grad()
def fill_crop(
    task, gen, rgb: np.ndarray, hole: np.ndarray, device: str = "cpu", max_side: int = MAX_SIDE
) -> np.ndarray:
    """The generator's composite for one crop: ``rgb`` ``(h, w, 3)`` uint8, ``hole`` ``(h, w)`` bool ->
    ``(h, w, 3)`` float RGB in [0, 255] (meaningful inside the hole)."""
    h, w = hole.shape
    f = reduction(h, w, max_side)
    sh, sw = max(1, round(h * f)), max(1, round(w * f))
    if f < 1:  # work at most max_side wide, reduced from the 8-bit crop (no full-size float copy)
        small = cv2.resize(np.ascontiguousarray(rgb), (sw, sh), interpolation=cv2.INTER_AREA)
        x = torch.from_numpy(small.astype(np.float32)).to(device).permute(2, 0, 1)[None] / 127.5 - 1
        cells = cv2.resize(hole.astype(np.float32), (sw, sh), interpolation=cv2.INTER_AREA)
        m = torch.from_numpy((cells > 0).astype(np.float32)).to(device)[None, None]  # a hole pixel anywhere in
        # a cell keeps the cell a hole
    else:
        x = torch.from_numpy(np.array(rgb, dtype=np.float32)).to(device).permute(2, 0, 1)[None] / 127.5 - 1
        m = torch.from_numpy(np.array(hole)).to(device)[None, None].float()
    ph, pw = -sh % MULTIPLE, -sw % MULTIPLE
    if ph or pw:  # reflect-pad to the network's multiple (replicate when the crop is too thin to reflect)
        mode = "reflect" if ph < sh and pw < sw else "replicate"
        x = F.pad(x, (0, pw, 0, ph), mode=mode)
        m = F.pad(m, (0, pw, 0, ph))
    cond = task.make_condition(x, m)
    out = task.compose(cond, gen({"condition": cond}))[:, :, :sh, :sw]
    check_finite(out)
    rgb_out = ((out[0].float().permute(1, 2, 0).clamp(-1, 1) + 1) * 127.5).cpu().numpy()
    if f < 1:  # back to the crop's size (bicubic; only the hole's pixels are used): one float copy
        rgb_out = cv2.resize(rgb_out, (w, h), interpolation=cv2.INTER_CUBIC)
        np.clip(rgb_out, 0.0, 255.0, out=rgb_out)
    return rgb_out


@torch.no_grad()
def inpaint(task, gen, rgb: np.ndarray, hole: np.ndarray, device: str = "cpu", max_side: int = MAX_SIDE) -> np.ndarray:
    """``rgb`` ``(H, W, 3)`` uint8 and ``hole`` ``(H, W)`` bool -> filled ``(H, W, 3)`` uint8.

    Each masked region is filled on a crop around it (``crops.hole_boxes``); a crop wider than
    ``max_side`` is filled reduced and its fill feathered into the photo at the hole's edge
    (``feather.py``); only hole pixels are written, so everything outside the mask is the input, bit
    for bit.
    """
    if rgb.ndim != 3 or rgb.shape[2] != 3 or hole.shape != rgb.shape[:2]:
        raise ValueError(f"expected rgb (H, W, 3) and hole (H, W). Got {rgb.shape} and {hole.shape}")
    out = np.array(rgb, dtype=np.uint8, copy=True)
    for x0, y0, x1, y1 in hole_boxes(hole):
        crop_hole = hole[y0:y1, x0:x1]
        filled = fill_crop(task, gen, rgb[y0:y1, x0:x1], crop_hole, device, max_side)
        filled = feather(rgb[y0:y1, x0:x1], crop_hole, filled, reduction(y1 - y0, x1 - x0, max_side))
        region = out[y0:y1, x0:x1]
        region[crop_hole] = (filled[crop_hole] + 0.5).astype(np.uint8)
    return out


def read_mask(path: Path, size: tuple[int, int]) -> np.ndarray:
    """A mask file -> ``(H, W)`` bool at ``size`` (W, H): white (>= 50 % gray) = fill.

    Colour masks are read as their luminance; transparent pixels count as black. A mask of
    another size is resized (nearest) with a warning on stderr.
    """
    return mask_from_image(open_image(path), size, str(path))


def mask_from_image(img: Image.Image, size: tuple[int, int], name: str = "the mask") -> np.ndarray:
    """A mask picture -> ``(H, W)`` bool at ``size`` (W, H), as ``read_mask`` reads a file."""
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        black = Image.new("RGBA", rgba.size, (0, 0, 0, 255))
        img = Image.alpha_composite(black, rgba)
    gray = img.convert("L") if img.mode not in WIDE_MODES else img  # wide modes read by their range
    if gray.size != size:
        print(
            f"warning: mask {name} is {gray.size[0]}x{gray.size[1]}, the image {size[0]}x{size[1]}: resized",
            file=sys.stderr,
        )
        gray = gray.resize(size, Image.Resampling.NEAREST)
    if gray.mode in WIDE_MODES:
        return wide_gray(gray) >= 0.5  # the one reading of 16-bit and float pictures (gancore.data.images)
    return np.asarray(gray) >= 128


class Inpainter:
    """``run``'s processor, in the split form of ``gancore.batch.Processor``.

    ``load`` (reader threads) decodes a file to RGB ``uint8 (H, W, 3)`` and finds its mask (a file
    under ``masks`` with the same relative name, or one drawn by ``policy`` seeded by that name);
    calling it on the pair (main thread) runs the model and returns the filled PIL image.
    """

    def __init__(
        self,
        task,
        gen,
        in_dir: Path,
        masks: Path | None,
        policy: str | None,
        device="cpu",
        max_side=MAX_SIDE,
        dilate: int = 0,
    ):
        if not 0 <= dilate <= 256:
            raise UserError(f"--dilate must be 0 to 256 pixels, got {dilate}")
        self.dilate = dilate
        if max_side < MULTIPLE:
            raise UserError(f"--max-side must be at least {MULTIPLE}, got {max_side}")
        if masks is not None and not masks.is_dir():
            raise UserError(f"mask folder not found: {masks}")
        if policy is not None and policy not in MASK_POLICIES:
            raise UserError(f"unknown mask policy '{policy}' (valid: {', '.join(MASK_POLICIES.names())})")
        if (masks is None) == (policy is None):
            raise UserError("give either --masks MASKS_DIR or --mask-policy NAME")
        self.task, self.gen, self.in_dir, self.masks, self.policy = task, gen, Path(in_dir), masks, policy
        self.device, self.max_side = device, max_side

    def load(self, path: Path) -> tuple[np.ndarray, np.ndarray]:
        img = to_rgb(open_image(path, notes=True))  # raises BadImage for an unreadable file
        rgb = np.asarray(img)
        rel = path.relative_to(self.in_dir)
        if self.masks is not None:
            mask_path = companion_image(self.masks, rel)
            if mask_path is None:
                raise BadImage(f"{path}: no mask for it in {self.masks} (same name expected)")
            try:
                mask = read_mask(mask_path, img.size)
            except BadImage as err:  # the mask is broken, not the photo: say which
                why = str(err).split(": ", 1)[-1]
                raise BadImage(f"{path}: its mask {mask_path} is unreadable ({why})") from None
            return rgb, grow(mask, self.dilate)
        seed = zlib.crc32(os.fsencode(rel.as_posix()))  # any file name, UTF-8 or not
        return rgb, grow(draw_fixed(self.policy, seed, rgb.shape[0], rgb.shape[1]).numpy(), self.dilate)

    def __call__(self, item: tuple[np.ndarray, np.ndarray]) -> Image.Image:
        rgb, hole = item
        return Image.fromarray(inpaint(self.task, self.gen, rgb, hole, self.device, self.max_side))


def make_processor(task, gen, cfg, args: argparse.Namespace) -> Inpainter:
    """For ``run``: the image's mask from ``--masks`` or ``--mask-policy``."""
    return Inpainter(
        task, gen, args.input, args.masks, args.mask_policy, args.device, args.max_side, getattr(args, "dilate", 0)
    )


def grow(hole: np.ndarray, px: int) -> np.ndarray:
    """``hole`` ``(H, W)`` bool grown by ``px`` pixels (a disc): LaMa's users' fix for seams, where a drawn
    mask stops just short of the object's edge (its shadow, its halo of JPEG noise)."""
    if px <= 0:
        return hole
    import cv2

    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * px + 1, 2 * px + 1))
    return cv2.dilate(hole.astype(np.uint8), disc).astype(bool)
