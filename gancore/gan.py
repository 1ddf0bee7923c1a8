"""A conditional GAN assembled from a ``Config``: the two networks and the parts that train them.

gan = build_gan(cfg)
fake = gan.generate(condition)                 # (B, Cc, H, W) -> target-shaped (B, Ct, H, W)
logits = gan.judge(condition, fake)            # e.g. a PatchGAN map (B, 1, h, w)
sample = gan.generate(condition, ema=True)     # the EMA generator when the ``ema`` trick is on
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch

from .config import Config
from .errors import ConfigError
from .network import Network, build_network
from .tricks import Tricks, dcgan_init, make_ema


@dataclass
class GAN:
    config: Config
    task: Any
    generator: Network
    discriminator: Network
    loss: Any
    reconstruction: Any
    latent: Any
    penalties: tuple[Any, ...] = ()  # gancore/penalties, applied by the trainer's D step
    tricks: Any = field(default_factory=Tricks)  # gancore/tricks
    ema: Network | None = None  # EMA copy of the generator (the ``ema`` trick), used for samples and export

    @property
    def inference_generator(self) -> Network:
        """What samples and ``generator.safetensors`` use: the EMA copy if there is one."""
        return self.ema if self.ema is not None else self.generator

    def generate(self, condition: torch.Tensor, latent: torch.Tensor | None = None, ema: bool = False) -> torch.Tensor:
        """G's output for ``condition``; ``latent`` ``(B, dim)`` fixes z (else sampled); ``ema``: the EMA copy."""
        return self.compose(condition, self.generate_raw(condition, latent, ema))

    def generate_raw(
        self, condition: torch.Tensor, latent: torch.Tensor | None = None, ema: bool = False
    ) -> torch.Tensor:
        """The network's own output, before the task's ``compose`` (the inpainter's known-region loss needs it)."""
        inputs = {"condition": condition}
        if self.latent.dim:
            inputs["latent"] = (
                latent if latent is not None else self.latent.sample(condition.shape[0], condition.device)
            )
        return (self.inference_generator if ema else self.generator)(inputs)

    def prediction(self, condition: torch.Tensor, output: torch.Tensor) -> torch.Tensor:
        """G's whole-image guess before ``compose`` keeps any pixels: the task's optional ``prediction``
        (the inpainter adds its residual to the first fill), else the raw ``output`` itself."""
        prediction = getattr(self.task, "prediction", None)
        return prediction(condition, output) if prediction is not None else output

    def compose(self, condition: torch.Tensor, output: torch.Tensor) -> torch.Tensor:
        """The task's optional ``compose`` (superres: residual + bicubic; inpainter: keep the known pixels)."""
        compose = getattr(self.task, "compose", None)
        return compose(condition, output) if compose is not None else output

    def judge(self, condition: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        return self.critic(self.task.judged(condition, image), condition)

    def critic(self, judged: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        """D's score for an input already made by ``task.judged``; for an autoencoder D (BEGAN)
        the per-sample L1 reconstruction energy ``(B,)``."""
        out = self.discriminator({"input": judged, "condition": condition})
        if getattr(self.loss, "autoencoder", False):
            return (out - judged).abs().reshape(judged.shape[0], -1).mean(1)
        return out

    def to(self, device: torch.device | str) -> GAN:
        self.generator.to(device)
        self.discriminator.to(device)
        if self.ema is not None:
            self.ema.to(device)
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
    inputs = generator_inputs(cfg, task, size)
    gen = build_network("generator", cfg.generator.layers, inputs, cfg.generator.input, cfg.generator.defaults)
    shapes = task.shapes(size)
    want = shapes.get("output", shapes["target"])  # a task whose G predicts another form than the target's
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
    dis = build_network(
        "discriminator", cfg.discriminator.layers, d_inputs, cfg.discriminator.input, cfg.discriminator.defaults
    )
    rec = cfg.reconstruction.build() if cfg.reconstruction is not None else None
    if getattr(rec, "uses_mask", False) and not hasattr(task, "hole"):
        raise ConfigError(
            "reconstruction.type",
            f"'{cfg.reconstruction.type}' needs a task with holes (inpainter), not {cfg.task.type}",
        )
    loss = cfg.loss.build()
    if getattr(loss, "autoencoder", False) and dis.out_shape != shapes["judged"]:
        raise ConfigError(
            "discriminator.layers",
            f"the {cfg.loss.type} loss needs an autoencoder discriminator whose output has D's input shape "
            f"{shapes['judged']}; it ends with {dis.out_shape}",
        )
    if getattr(cfg.trainer.options, "feature_matching", 0):
        if not any(dis.names):
            raise ConfigError(
                "trainer.feature_matching", "matches D's named features: name some discriminator layers (name=f1)"
            )
        if getattr(loss, "autoencoder", False):
            raise ConfigError("trainer.feature_matching", f"does not apply to the autoencoder loss {cfg.loss.type}")
    if cfg.tricks.init == "dcgan":
        dcgan_init(gen)
        dcgan_init(dis)
    ema = make_ema(gen) if cfg.tricks.ema is not None else None
    return GAN(cfg, task, gen, dis, loss, rec, cfg.latent.build(), cfg.penalty.build(), Tricks(cfg.tricks), ema)
