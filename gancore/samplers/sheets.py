"""HyperGAN's samplers: ``static_batch``, ``batch``, ``grid`` and ``progressive``.

| sampler      | columns                                                                             |
|--------------|-------------------------------------------------------------------------------------|
| static_batch | condition, ``columns`` outputs with latents fixed for the whole run, target          |
| batch        | the same with fresh latents each sheet                                               |
| grid         | one condition (the first), latent axes ``axes[0]`` down the rows and ``axes[1]``     |
|              | across ``size`` columns, from ``-extent`` to ``extent`` (other latent values fixed)  |
| progressive  | condition, the generator's named intermediate outputs (``layers``, resized to the    |
|              | output size; HyperGAN's progressive-enhancement view), the output, target            |

Without a latent (``latent.dim = 0``) static_batch and batch show one output column. The engine
seeds the RNG (``train.seed``) before each sheet, in a forked RNG state: static_batch therefore
draws the same latents every time (resume included); batch reseeds with the step.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ..errors import ConfigError
from ..tasks import Pair
from .base import SAMPLERS


def _outputs(gan, pair: Pair, latents: list[torch.Tensor | None]) -> list[torch.Tensor]:
    task = gan.task
    return [task.to_rgb(pair.condition, gan.generate(pair.condition, latent=z, ema=True)) for z in latents]


def _frame(gan, pair: Pair, middle: list[torch.Tensor]) -> list[torch.Tensor]:
    task = gan.task
    return [task.condition_rgb(pair.condition), *middle, task.to_rgb(pair.condition, pair.target)]


@dataclass(frozen=True)
class BatchOptions:
    columns: int = 1  # output columns (latent draws) per condition

    def __post_init__(self):
        if self.columns < 1:
            raise ConfigError("sampler.columns", f"must be at least 1, got {self.columns}")


@SAMPLERS.register("static_batch")
class StaticBatchSampler:
    """The same latents on every sheet, so sheets show training progress on fixed samples."""

    Options = BatchOptions

    def __init__(self, options: BatchOptions):
        self.columns = options.columns

    def draw(self, gan, pair: Pair) -> list[torch.Tensor | None]:
        b, dev = pair.condition.shape[0], pair.condition.device
        if not gan.latent.dim:
            return [None]
        return [gan.latent.sample(b, dev) for _ in range(self.columns)]

    @torch.no_grad()
    def sheet(self, gan, pair: Pair, step: int = 0) -> list[torch.Tensor]:
        return _frame(gan, pair, _outputs(gan, pair, self.draw(gan, pair)))


@SAMPLERS.register("batch")
class BatchSampler(StaticBatchSampler):
    """Fresh latents on every sheet."""

    @torch.no_grad()
    def sheet(self, gan, pair: Pair, step: int = 0) -> list[torch.Tensor]:
        torch.manual_seed(gan.config.train.seed + 1 + step)
        return _frame(gan, pair, _outputs(gan, pair, self.draw(gan, pair)))


@dataclass(frozen=True)
class GridOptions:
    size: int = 8  # columns
    axes: tuple[int, int] = (0, 1)  # latent dimensions varied down the rows and across the columns
    extent: float = 1.0  # each axis runs from -extent to extent


@SAMPLERS.register("grid")
class GridSampler:
    """A walk over two latent axes for one condition: rows vary ``axes[0]``, columns ``axes[1]``."""

    Options = GridOptions

    def __init__(self, options: GridOptions):
        self.o = options

    def latents(self, base: torch.Tensor, rows: int) -> list[torch.Tensor]:
        """One ``(rows, dim)`` latent batch per column."""
        dim, device = base.shape[1], base.device
        a, b = self.o.axes
        if dim < 2 or not (0 <= a < dim and 0 <= b < dim) or a == b:
            raise ConfigError("sampler.axes", f"needs two different latent axes below latent.dim = {dim}, got {a}, {b}")
        down = torch.linspace(-self.o.extent, self.o.extent, rows, device=device)
        across = torch.linspace(-self.o.extent, self.o.extent, self.o.size, device=device)
        columns = []
        for v in across:
            z = base.expand(rows, dim).clone()
            z[:, a], z[:, b] = down, v
            columns.append(z)
        return columns

    @torch.no_grad()
    def sheet(self, gan, pair: Pair, step: int = 0) -> list[torch.Tensor]:
        rows = pair.condition.shape[0]
        base = gan.latent.sample(1, pair.condition.device)  # the values of the other axes
        one = Pair(pair.condition[:1].expand_as(pair.condition), pair.target[:1].expand_as(pair.target))
        return _outputs(gan, one, self.latents(base, rows))


@dataclass(frozen=True)
class ProgressiveOptions:
    layers: tuple[str, ...] = ()  # named generator layers to show; () = every named layer with the output's channels


@SAMPLERS.register("progressive")
class ProgressiveSampler:
    """The generator's named intermediate outputs, upsampled to the output size (nearest)."""

    Options = ProgressiveOptions

    def __init__(self, options: ProgressiveOptions):
        self.layers = options.layers

    def chosen(self, net, channels: int) -> list[tuple[str, torch.nn.Module]]:
        named = {n: m for n, m in zip(net.names, net.layers) if n}
        if self.layers:
            missing = [n for n in self.layers if n not in named]
            if missing:
                valid = ", ".join(sorted(named)) or "none"
                raise ConfigError("sampler.layers", f"unknown generator layer {missing[0]!r} (named layers: {valid})")
            return [(n, named[n]) for n in self.layers]
        shapes = {n: row.shape for n, row in zip(net.names, net.rows) if n}
        return [(n, named[n]) for n in named if len(shapes[n]) == 3 and shapes[n][0] == channels]

    @torch.no_grad()
    def sheet(self, gan, pair: Pair, step: int = 0) -> list[torch.Tensor]:
        net = gan.ema if gan.ema is not None else gan.generator
        target = pair.target
        captured: dict[str, torch.Tensor] = {}
        hooks = [
            m.register_forward_hook(lambda _m, _i, out, name=name: captured.__setitem__(name, out))
            for name, m in self.chosen(net, target.shape[1])
        ]
        try:
            out = gan.generate(pair.condition, ema=True)
        finally:
            for h in hooks:
                h.remove()
        middle = []
        for name in captured:
            x = captured[name]
            if x.shape[1] != target.shape[1]:
                raise ConfigError(
                    "sampler.layers", f"layer {name!r} has {x.shape[1]} channels; the output has {target.shape[1]}"
                )
            middle.append(gan.task.to_rgb(pair.condition, F.interpolate(x, size=target.shape[-2:], mode="nearest")))
        return _frame(gan, pair, [*middle, gan.task.to_rgb(pair.condition, out)])
