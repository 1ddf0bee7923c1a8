"""The PNG of a 2-D run, drawn with Pillow and NumPy (as GAGA's plot helpers draw theirs).

Left: D's output over the plane as a colour map with iso-lines, the data (grey) and generated
points (orange). Right: the logged losses over steps.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

from .run import ToyRun, generate_points

SIZE = 420  # pixels per panel
COLORS = [(31, 119, 180), (214, 39, 40), (44, 160, 44), (148, 103, 189), (140, 86, 75), (227, 119, 194)]


def _colormap(v: np.ndarray) -> np.ndarray:
    """Values in [0, 1] -> RGB uint8: blue (low) through white to red (high)."""
    v = np.clip(v, 0, 1)[..., None]
    blue, white, red = np.array([70, 110, 200]), np.array([248, 248, 248]), np.array([210, 80, 60])
    rgb = np.where(v < 0.5, blue + (white - blue) * (v / 0.5), white + (red - white) * ((v - 0.5) / 0.5))
    return rgb.astype(np.uint8)


@torch.no_grad()
def critic_map(run: ToyRun, extent: float, pixels: int = SIZE) -> np.ndarray:
    """D's output on a ``pixels x pixels`` grid over ``[-extent, extent]^2`` (rows: y from top)."""
    gan = run.gan
    dev = next(gan.discriminator.parameters()).device
    xs = torch.linspace(-extent, extent, pixels, device=dev)
    ys = torch.linspace(extent, -extent, pixels, device=dev)
    grid = torch.stack(torch.meshgrid(ys, xs, indexing="ij")[::-1], dim=-1).reshape(-1, 2)
    was = gan.discriminator.training
    gan.discriminator.eval()
    try:
        out = gan.critic(grid, grid.new_zeros(len(grid), 0)).reshape(len(grid), -1).mean(1)
    finally:
        gan.discriminator.train(was)
    return out.reshape(pixels, pixels).float().cpu().numpy()


def _contour_panel(run: ToyRun, samples: int = 1000) -> Image.Image:
    toy = run.gan.task.toy
    extent = float(toy.support.abs().max()) + 0.6
    values = critic_map(run, extent)
    finite = np.isfinite(values)
    lo, hi = np.percentile(values[finite], [2, 98]) if finite.any() else (0.0, 1.0)
    norm = (values - lo) / max(hi - lo, 1e-12)
    rgb = _colormap(np.nan_to_num(norm))
    levels = np.floor(np.clip(norm, 0, 0.999) * 10)  # iso-lines between 10 bands
    edge = np.zeros_like(levels, dtype=bool)
    edge[:, 1:] |= levels[:, 1:] != levels[:, :-1]
    edge[1:, :] |= levels[1:, :] != levels[:-1, :]
    rgb[edge] = (rgb[edge] * 0.55).astype(np.uint8)
    img = Image.fromarray(rgb)
    draw = ImageDraw.Draw(img)

    def to_px(points: torch.Tensor) -> np.ndarray:
        p = points.detach().float().cpu().numpy()
        return np.stack([(p[:, 0] + extent) / (2 * extent) * SIZE, (extent - p[:, 1]) / (2 * extent) * SIZE], 1)

    for x, y in to_px(toy.sample(samples, torch.Generator().manual_seed(0))):
        draw.ellipse([x - 1.5, y - 1.5, x + 1.5, y + 1.5], fill=(90, 90, 90))
    fake = generate_points(run.gan, samples)
    for x, y in to_px(fake[torch.isfinite(fake).all(1)]):
        draw.ellipse([x - 1.5, y - 1.5, x + 1.5, y + 1.5], fill=(255, 140, 0))
    m = run.measure
    draw.text((6, 4), f"modes {m.modes}/{m.modes_total}  quality {m.quality:.2f}", fill=(0, 0, 0))
    return img


def _loss_panel(run: ToyRun) -> Image.Image:
    img = Image.new("RGB", (SIZE, SIZE), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    steps = run.history.get("step", [])
    keys = [k for k in ("d_loss", "g_loss", "penalty_gp", "penalty_r1", "k") if k in run.history]
    series = [np.asarray(run.history[k], dtype=float) for k in keys]
    pad = 36
    draw.rectangle([pad, pad, SIZE - 8, SIZE - pad], outline=(0, 0, 0))
    if not steps or not series:
        draw.text((pad, SIZE // 2), "no losses logged", fill=(0, 0, 0))
        return img
    allv = np.concatenate([s[np.isfinite(s)] for s in series] or [np.zeros(1)])
    lo, hi = (float(allv.min()), float(allv.max())) if allv.size else (0.0, 1.0)
    hi = hi if hi > lo else lo + 1.0
    x0, x1, y0, y1 = pad, SIZE - 8, SIZE - pad, pad
    smax = max(steps[-1], 1)
    for i, (k, s) in enumerate(zip(keys, series)):
        pts = [
            (x0 + (st / smax) * (x1 - x0), y0 + (v - lo) / (hi - lo) * (y1 - y0))
            for st, v in zip(steps, s)
            if np.isfinite(v)
        ]
        color = COLORS[i % len(COLORS)]
        if len(pts) > 1:
            draw.line(pts, fill=color, width=2)
        draw.text((x0 + 6, y1 + 4 + 12 * i), k, fill=color)
    draw.text((4, y1 - 12), f"{hi:.3g}", fill=(0, 0, 0))
    draw.text((4, y0 + 2), f"{lo:.3g}", fill=(0, 0, 0))
    draw.text((x1 - 60, y0 + 4), f"step {steps[-1]}", fill=(0, 0, 0))
    return img


def save_plot(run: ToyRun, path: Path, title: str = "") -> None:
    """Both panels side by side, with ``title`` above, as a PNG."""
    head = 22
    img = Image.new("RGB", (2 * SIZE + 10, SIZE + head), (255, 255, 255))
    img.paste(_contour_panel(run), (0, head))
    img.paste(_loss_panel(run), (SIZE + 10, head))
    ImageDraw.Draw(img).text((6, 5), title, fill=(0, 0, 0))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)
