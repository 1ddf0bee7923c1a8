"""A conditional GAN assembled from a ``Config``: the two networks and the parts that train them.

gan = build_gan(cfg)
fake = gan.generate(condition)                 # (B, Cc, H, W) -> target-shaped (B, Ct, H, W)
logits = gan.judge(condition, fake)            # e.g. a PatchGAN map (B, 1, h, w)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from .config import Config
from .errors import ConfigError
from .network import Network, build_network


@dataclass
class GAN:
    config: Config
    task: Any
    generator: Network
    discriminator: Network
    loss: Any
    reconstruction: Any
    latent: Any

    def generate(self, condition: torch.Tensor) -> torch.Tensor:
        inputs = {"condition": condition}
        if self.latent.dim:
            inputs["latent"] = self.latent.sample(condition.shape[0], condition.device)
        out = self.generator(inputs)
        compose = getattr(self.task, "compose", None)  # e.g. inpainting keeps the known pixels
        return compose(condition, out) if compose is not None else out

    def judge(self, condition: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        return self.discriminator({"input": self.task.judged(condition, image), "condition": condition})

    def to(self, device: torch.device | str) -> GAN:
        self.generator.to(device)
        self.discriminator.to(device)
        return self


def generator_inputs(cfg: Config, task: Any, size: int) -> dict[str, tuple[int, ...]]:
    shapes = task.shapes(size)
    names = {"condition": shapes["condition"]}
    dim = cfg.latent.options.dim
    if dim:
        names["latent"] = (dim,)
    return names


def build_generator(cfg: Config, size: int | None = None) -> tuple[Any, Network]:
    """The task and the generator alone (for inference); ``size`` defaults to the training size."""
    task = cfg.task.build()
    size = size or cfg.data.size
    gen = build_network("generator", cfg.generator.layers, generator_inputs(cfg, task, size), cfg.generator.input)
    want = task.shapes(size)["target"]
    if gen.out_shape != want:
        raise ConfigError(
            "generator.layers",
            f"the generator ends with shape {gen.out_shape}; the {cfg.task.type} task needs {want} at size {size}",
        )
    return task, gen


def build_gan(cfg: Config) -> GAN:
    """Build every part; a ConfigError names the JSON path of the first bad layer or option."""
    task, gen = build_generator(cfg)
    shapes = task.shapes(cfg.data.size)
    d_inputs = {"input": shapes["judged"], "condition": shapes["condition"]}
    dis = build_network("discriminator", cfg.discriminator.layers, d_inputs, cfg.discriminator.input)
    rec = cfg.reconstruction.build() if cfg.reconstruction is not None else None
    return GAN(cfg, task, gen, dis, cfg.loss.build(), rec, cfg.latent.build())
