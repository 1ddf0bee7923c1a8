"""Hole masks drawn on the fly, batched in torch on any device: rectangles, LaMa-style brush
strokes, large masks, their mix, and the fixed thin / medium / thick sets used by ``eval``.

A mask is ``(B, 1, H, W)`` float in {0, 1}: **1 = missing (to fill)**, 0 = known. Sizes are
fractions of the image's shorter side, so a policy means the same thing at 128 px and at 4000 px.
Each policy draws up to ``shapes`` shapes per image and keeps the shortest prefix whose union
covers at least a target drawn uniformly from ``coverage``, so coverage lands in (or just past)
that range.

    masks = MASK_POLICIES.get("mix")(MaskPolicy())   # or MaskPolicyConfig.build()
    m = masks.draw(16, 128, 128, device="cuda")      # (16, 1, 128, 128)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import torch

from gancore.config.component import ComponentConfig
from gancore.errors import ConfigError
from gancore.registry import Registry

MASK_POLICIES: Registry[type] = Registry("mask policy")


def _grid(h: int, w: int, device) -> torch.Tensor:
    """Pixel centres ``(H * W, 2)`` as (x, y) in units of the shorter side."""
    s = min(h, w)
    ys, xs = torch.meshgrid(
        (torch.arange(h, device=device) + 0.5) / s, (torch.arange(w, device=device) + 0.5) / s, indexing="ij"
    )
    return torch.stack([xs.reshape(-1), ys.reshape(-1)], dim=1)


def segments_mask(a: torch.Tensor, b: torch.Tensor, width: torch.Tensor, h: int, w: int) -> torch.Tensor:
    """Thick line segments: ``a``, ``b`` ``(B, K, V, 2)`` end points, ``width`` ``(B, K)`` -> ``(B, K, H*W)`` bool.

    A pixel is inside stroke k if it lies within ``width / 2`` of any of its V segments (round caps).
    """
    p = _grid(h, w, a.device)  # (P, 2)
    d = b - a  # (B, K, V, 2)
    dd = d.square().sum(-1, keepdim=True).clamp_min(1e-12)  # (B, K, V, 1)
    # |p - a - t d|^2 expanded into matrix products, so no (B, K, V, P, 2) tensor is ever made
    pd = torch.einsum("pc,bkvc->bkvp", p, d) - (a * d).sum(-1, keepdim=True)  # (p - a) . d
    pa2 = p.square().sum(-1) - 2 * torch.einsum("pc,bkvc->bkvp", p, a) + a.square().sum(-1, keepdim=True)
    t = (pd / dd).clamp(0, 1)
    dist2 = pa2 - 2 * t * pd + t.square() * dd  # (B, K, V, P)
    return (dist2.amin(2) <= (width[..., None] / 2).square()).reshape(a.shape[0], a.shape[1], h * w)


def boxes_mask(x0: torch.Tensor, y0: torch.Tensor, x1: torch.Tensor, y1: torch.Tensor, h: int, w: int) -> torch.Tensor:
    """Axis-aligned rectangles, corners ``(B, K)`` in shorter-side units -> ``(B, K, H*W)`` bool."""
    p = _grid(h, w, x0.device)
    px, py = p[:, 0], p[:, 1]
    return (px >= x0[..., None]) & (px < x1[..., None]) & (py >= y0[..., None]) & (py < y1[..., None])


def keep_until_covered(shapes: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """``shapes`` ``(B, K, P)`` bool; keep shapes 0..k where k is the first whose union covers ``target``
    ``(B,)`` (fraction of P), or all K -> the union ``(B, P)`` bool."""
    union = shapes.to(torch.uint8).cummax(dim=1).values  # (B, K, P): union of the first k + 1 shapes
    cover = union.float().mean(2)  # (B, K)
    reached = cover >= target[:, None]
    first = torch.where(reached.any(1), reached.float().argmax(1), torch.full_like(target, shapes.shape[1] - 1).long())
    return union[torch.arange(shapes.shape[0], device=shapes.device), first].bool()


@dataclass(frozen=True)
class MaskPolicy:
    """Options shared by every policy (``task.masks`` in the config)."""

    coverage: tuple[float, float] = (0.1, 0.4)  # target fraction of pixels to fill, drawn uniformly
    width: tuple[float, float] = (0.03, 0.12)  # stroke width, fraction of the shorter side
    shapes: int = 8  # at most this many shapes per mask

    def check(self, path: str) -> None:
        for name in ("coverage", "width"):
            lo, hi = getattr(self, name)
            if not 0 < lo <= hi <= 1:
                raise ConfigError(f"{path}.{name}", f"needs 0 < low <= high <= 1, got [{lo}, {hi}]")
        if self.shapes < 1:
            raise ConfigError(f"{path}.shapes", f"must be at least 1, got {self.shapes}")


def _uniform(lo: float, hi: float, *shape: int, device, generator=None) -> torch.Tensor:
    return lo + (hi - lo) * torch.rand(*shape, device=device, generator=generator)


class Policy:
    """Base: ``draw(n, h, w) -> (n, 1, h, w)`` float masks (1 = hole)."""

    Options = MaskPolicy

    def __init__(self, options: MaskPolicy | None = None):
        self.o = options or self.Options()

    def shapes(self, n: int, h: int, w: int, device, generator) -> torch.Tensor:
        raise NotImplementedError

    def draw(self, n: int, h: int, w: int, device="cpu", generator: torch.Generator | None = None) -> torch.Tensor:
        target = _uniform(*self.o.coverage, n, device=device, generator=generator)
        union = keep_until_covered(self.shapes(n, h, w, device, generator), target)
        return union.reshape(n, 1, h, w).float()


@MASK_POLICIES.register("strokes")
class Strokes(Policy):
    """LaMa's irregular masks: random walks of thick lines (4-9 vertices, smooth turns)."""

    vertices = 8

    def shapes(self, n, h, w, device, generator):
        k, v = self.o.shapes, self.vertices
        aspect = torch.tensor([w / min(h, w), h / min(h, w)], device=device)
        start = torch.rand(n, k, 1, 2, device=device, generator=generator) * aspect
        angle0 = _uniform(0, 2 * math.pi, n, k, 1, device=device, generator=generator)
        turns = _uniform(-1.2, 1.2, n, k, v, device=device, generator=generator)
        angles = angle0 + turns.cumsum(-1)
        length = _uniform(0.05, 0.2, n, k, v, device=device, generator=generator)
        steps = torch.stack([angles.cos(), angles.sin()], -1) * length[..., None]  # (n, k, v, 2)
        points = torch.cat([start, start + steps.cumsum(2)], dim=2).clamp(torch.zeros_like(aspect), aspect)
        width = _uniform(*self.o.width, n, k, device=device, generator=generator)
        return segments_mask(points[:, :, :-1], points[:, :, 1:], width, h, w)


@MASK_POLICIES.register("rectangles")
class Rectangles(Policy):
    """Boxes with sides from ``width[0]`` to 4 x ``width[1]`` of the shorter side (capped at 0.6)."""

    def shapes(self, n, h, w, device, generator):
        k = self.o.shapes
        lo, hi = self.o.width[0], min(0.6, 4 * self.o.width[1])
        bw = _uniform(lo, hi, n, k, device=device, generator=generator)
        bh = _uniform(lo, hi, n, k, device=device, generator=generator)
        x0 = torch.rand(n, k, device=device, generator=generator) * (w / min(h, w) - bw).clamp_min(0)
        y0 = torch.rand(n, k, device=device, generator=generator) * (h / min(h, w) - bh).clamp_min(0)
        return boxes_mask(x0, y0, x0 + bw, y0 + bh, h, w)


@MASK_POLICIES.register("large")
class Large(Policy):
    """LaMa's "large" masks: very thick strokes and big boxes together (widths x 2, coverage as set)."""

    def shapes(self, n, h, w, device, generator):
        wide = MaskPolicy(
            self.o.coverage, (min(1.0, 2 * self.o.width[0]), min(1.0, 2 * self.o.width[1])), self.o.shapes
        )
        s = Strokes(wide).shapes(n, h, w, device, generator)
        b = Rectangles(wide).shapes(n, h, w, device, generator)
        pick = torch.rand(n, s.shape[1], 1, device=device, generator=generator) < 0.5
        return torch.where(pick, s, b)


class Blend(Policy):
    """Each mask is one of ``kinds`` (policies drawn with the same options), picked with ``shares``."""

    kinds: ClassVar[tuple[str, ...]]
    shares: ClassVar[tuple[float, ...]]

    def shapes(self, n, h, w, device, generator):
        # the kinds are drawn on the host, so picking the rows of a kind never waits for the device
        host = generator if generator is None or generator.device.type == "cpu" else None
        u = torch.rand(n, generator=host)
        kind = (u[:, None] >= torch.tensor(self.shares).cumsum(0)[:-1]).sum(1)  # index into kinds
        out = torch.zeros(n, self.o.shapes, h * w, dtype=torch.bool, device=device)
        for i, name in enumerate(self.kinds):
            rows = (kind == i).nonzero().flatten()  # only the rows of this kind are drawn
            if len(rows):
                out[rows.to(device)] = MASK_POLICIES.get(name)(self.o).shapes(len(rows), h, w, device, generator)
        return out


@MASK_POLICIES.register("mix")
class Mix(Blend):
    """Each mask is strokes (50 %), rectangles (25 %) or large (25 %)."""

    kinds, shares = ("strokes", "rectangles", "large"), (0.5, 0.25, 0.25)


@MASK_POLICIES.register("objects")
class Objects(Policy):
    """Object-shaped holes (a person, a sign, a bin): smooth star-shaped silhouettes, each an ellipse
    (tall or wide up to 1.6 : 1, turned at random) whose radius wobbles with the 2nd-4th harmonics
    (amplitudes up to 0.15 each). Radii from 3 x ``width[0]`` to 3 x ``width[1]`` of the shorter side."""

    def shapes(self, n, h, w, device, generator):
        k = self.o.shapes
        p = _grid(h, w, device)  # (P, 2)
        aspect = torch.tensor([w / min(h, w), h / min(h, w)], device=device)
        centre = torch.rand(n, k, 2, device=device, generator=generator) * aspect
        radius = _uniform(3 * self.o.width[0], 3 * self.o.width[1], n, k, device=device, generator=generator)
        stretch = torch.exp(_uniform(-0.47, 0.47, n, k, device=device, generator=generator))  # up to 1.6 : 1
        turn = _uniform(0, math.pi, n, k, device=device, generator=generator)
        amp = _uniform(0, 0.15, n, k, 3, device=device, generator=generator)
        phase = _uniform(0, 2 * math.pi, n, k, 3, device=device, generator=generator)
        d = p[None, None] - centre[:, :, None]  # (n, k, P, 2)
        c, s = turn.cos()[..., None], turn.sin()[..., None]
        u = (d[..., 0] * c + d[..., 1] * s) / stretch[..., None]
        v = (-d[..., 0] * s + d[..., 1] * c) * stretch[..., None]
        theta = torch.atan2(v, u)  # (n, k, P)
        harmonics = torch.arange(2, 5, device=device, dtype=p.dtype)  # 2, 3, 4
        wobble = (amp[:, :, None] * torch.cos(harmonics * theta[..., None] + phase[:, :, None])).sum(-1)
        return u.square() + v.square() <= (radius[..., None] * (1 + wobble)).square()


@MASK_POLICIES.register("removal")
class Removal(Blend):
    """What people remove: LaMa's large masks (very thick strokes and big boxes), boxes, and object-shaped
    blobs, a third each (configs/inpainter-gan.json: coverage up to 0.4)."""

    kinds, shares = ("large", "rectangles", "objects"), (1 / 3, 1 / 3, 1 / 3)


@MASK_POLICIES.register("one-box")
class OneBox(Policy):
    """One box per mask, what "remove this object" often is: its sides ``width[0]``..``width[1]`` of the
    picture's own width and height (so 0.35 covers 35 % x 35 % of the sides, 12 % of the picture), anywhere."""

    def draw(self, n, h, w, device="cpu", generator=None):
        return self.shapes(n, h, w, device, generator)[:, 0].reshape(n, 1, h, w).float()

    def shapes(self, n, h, w, device, generator):
        fw = _uniform(*self.o.width, n, 1, device=device, generator=generator)
        fh = _uniform(*self.o.width, n, 1, device=device, generator=generator)
        ax, ay = w / min(h, w), h / min(h, w)  # the picture's sides in shorter-side units
        x0 = torch.rand(n, 1, device=device, generator=generator) * (1 - fw) * ax
        y0 = torch.rand(n, 1, device=device, generator=generator) * (1 - fh) * ay
        return boxes_mask(x0, y0, x0 + fw * ax, y0 + fh * ay, h, w)


@dataclass(frozen=True)
class EvalSet:
    """A fixed mask set of ``eval``: a policy, its options and the seed base its masks are drawn from."""

    policy: str
    options: MaskPolicy
    seed: int


# The evaluation sets, always drawn from fixed seeds: stroke masks of three thicknesses (scratches,
# wires, text) and the large holes of removing an object (one box; object-shaped blobs).
EVAL_SETS: dict[str, EvalSet] = {
    "thin": EvalSet("strokes", MaskPolicy(coverage=(0.05, 0.1), width=(0.01, 0.025)), 1000),
    "medium": EvalSet("strokes", MaskPolicy(coverage=(0.1, 0.25), width=(0.03, 0.06)), 2000),
    "thick": EvalSet("strokes", MaskPolicy(coverage=(0.25, 0.4), width=(0.08, 0.15)), 3000),
    "box": EvalSet("one-box", MaskPolicy(coverage=(0.12, 0.13), width=(0.35, 0.35), shapes=1), 4000),
    "blobs": EvalSet("objects", MaskPolicy(coverage=(0.1, 0.35), width=(0.05, 0.1), shapes=4), 5000),
}


class Preset(Policy):
    """An eval set as a policy (``--mask-policy medium``): its own options, whatever is passed."""

    preset: ClassVar[EvalSet]

    def __init__(self, options: MaskPolicy | None = None):
        super().__init__(self.preset.options)
        self.inner = MASK_POLICIES.get(self.preset.policy)(self.preset.options)

    def draw(self, n, h, w, device="cpu", generator=None):
        return self.inner.draw(n, h, w, device, generator)


for _name, _set in EVAL_SETS.items():
    MASK_POLICIES.register(_name)(type(_name.title(), (Preset,), {"preset": _set}))


def make_policy(name: str, options: MaskPolicy | None = None) -> Policy:
    """A policy by name (a ConfigError/UserError lists the valid names)."""
    return MASK_POLICIES.get(name)(options)


def draw_fixed(name: str, index: int, h: int, w: int, max_side: int = 512) -> torch.Tensor:
    """One reproducible mask ``(h, w)`` bool for image ``index`` of policy ``name``, on the CPU.

    Drawn at most ``max_side`` px on the longer side (stroke rasterisation is O(pixels x segments))
    and resized nearest to ``(h, w)``.
    """
    base = EVAL_SETS[name].seed if name in EVAL_SETS else 0
    g = torch.Generator().manual_seed(base + index)
    f = min(1.0, max_side / max(h, w))
    sh, sw = max(1, round(h * f)), max(1, round(w * f))
    m = make_policy(name).draw(1, sh, sw, generator=g)
    if (sh, sw) != (h, w):
        m = torch.nn.functional.interpolate(m, size=(h, w), mode="nearest")
    return m[0, 0] > 0.5


@dataclass(frozen=True)
class MaskPolicyConfig(ComponentConfig):
    """``"masks": {"type": "mix", "coverage": [0.1, 0.5], "width": [0.03, 0.12]}``."""

    registry: ClassVar = MASK_POLICIES
