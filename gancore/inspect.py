"""The network inspector: one row per layer (index, string, output shape, parameters), then totals.

python -m gancore show configs/colorizer.json
"""

from __future__ import annotations

from .config import Config
from .gan import build_gan
from .network import Network


def _shape(shape: tuple[int, ...]) -> str:
    return "x".join(str(d) for d in shape)


def network_table(title: str, net: Network, input_shape: tuple[int, ...]) -> str:
    rows = [("#", "layer", "output", "params"), ("", "(input)", _shape(input_shape), "")]
    rows += [(str(r.index), r.source, _shape(r.shape), f"{r.params:,}") for r in net.rows]
    total = sum(p.numel() for p in net.parameters())
    rows.append(("", "total", "", f"{total:,}"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [f"{title}"]
    for r in rows:
        lines.append(f"  {r[0]:>{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]:>{widths[3]}}")
    return "\n".join(lines)


def describe(cfg: Config) -> str:
    """Both networks' tables for ``cfg`` at its training size (CPU, no data needed)."""
    gan = build_gan(cfg)
    shapes = gan.task.shapes(cfg.data.size)
    g_in = shapes["condition"] if cfg.generator.input == "condition" else (cfg.latent.options.dim,)
    d_in = shapes["judged"] if cfg.discriminator.input == "input" else shapes["condition"]
    return "\n\n".join(
        [
            network_table(f"generator ({cfg.generator.input} -> output), size {cfg.data.size}", gan.generator, g_in),
            network_table(f"discriminator ({cfg.discriminator.input} -> logits)", gan.discriminator, d_in),
        ]
    )
