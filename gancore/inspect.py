"""The network inspector: one row per layer (index, string, output shape, parameters), then totals.

python -m gancore show configs/colorizer.json

A ``trainable=false`` layer's parameter count is marked ``(frozen)``; a network's ``defaults``
block, when it has one, is printed under its title.
"""

from __future__ import annotations

from .config import Config
from .gan import build_gan, generator_inputs
from .layers.defaults import LayerDefaults
from .network import Network


def _shape(shape: tuple[int, ...]) -> str:
    return "x".join(str(d) for d in shape)


def _defaults(defaults: LayerDefaults | None) -> str:
    if defaults is None:
        return ""
    given = [f"{k}={v}" for k, v in vars(defaults).items() if v is not None]
    return "  defaults: " + " ".join(given) if given else ""


def network_table(title: str, net: Network, input_shape: tuple[int, ...], defaults: LayerDefaults | None = None) -> str:
    rows = [("#", "layer", "output", "params"), ("", "(input)", _shape(input_shape), "")]
    rows += [
        (str(r.index), r.source, _shape(r.shape), f"{r.params:,}" + (" (frozen)" if r.frozen else "")) for r in net.rows
    ]
    total = sum(p.numel() for p in net.parameters())
    rows.append(("", "total", "", f"{total:,}"))
    trainable = sum(p.numel() for n, p in net.named_parameters() if n not in net.frozen)
    if trainable != total:
        rows.append(("", "trainable", "", f"{trainable:,}"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [title] + ([_defaults(defaults)] if _defaults(defaults) else [])
    for r in rows:
        lines.append(f"  {r[0]:>{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]:>{widths[3]}}")
    return "\n".join(lines)


def describe(cfg: Config) -> str:
    """Both networks' tables for ``cfg`` at its training size (CPU, no data needed)."""
    gan = build_gan(cfg)
    shapes = gan.task.shapes(cfg.data.size)
    g_in = generator_inputs(cfg, gan.task, cfg.data.size)[cfg.generator.input]
    d_in = {"input": shapes["judged"], "condition": shapes["condition"]}[cfg.discriminator.input]
    g, d = cfg.generator, cfg.discriminator
    return "\n\n".join(
        [
            network_table(f"generator ({g.input} -> output), size {cfg.data.size}", gan.generator, g_in, g.defaults),
            network_table(f"discriminator ({d.input} -> logits)", gan.discriminator, d_in, d.defaults),
        ]
    )
