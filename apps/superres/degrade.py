"""Degradations: how a real high-resolution (HR) image becomes the generator's low-resolution (LR) input.

The task's ``degradations`` is a list of typed steps, applied in order on the training device
(torch / kornia, random parameters drawn per image) to RGB ``(B, 3, H, W)`` in [0, 1]::

    "degradations": [
      {"type": "blur", "sigma": [0.2, 1.5]},      # on the HR image
      {"type": "bicubic"},                        # HR -> LR (H / scale, W / scale)
      {"type": "noise", "sigma": [0, 5]},         # on the LR image, 0..255 units
      {"type": "jpeg", "quality": [60, 95]}
    ]

Exactly one step resizes to the LR size: ``bicubic`` (the default, alone) or ``second_order``
(Real-ESRGAN's whole chain, ``realesrgan.py``). ``blur``, ``noise`` and ``jpeg`` keep the size, so
they act on the HR image when listed before the resize and on the LR image after it. Every step
has ``p``: the probability that it touches a given image.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import kornia
import torch
import torch.nn.functional as F

from gancore.config.component import ComponentConfig, NoOptions
from gancore.errors import ConfigError
from gancore.registry import Registry

DEGRADATIONS: Registry[type] = Registry("degradation")

Range = tuple[float, float]


class DegradationConfig(ComponentConfig):
    """One step of ``task.degradations``: ``{"type": "blur", "sigma": [0.2, 2]}``."""

    registry: ClassVar = DEGRADATIONS


def check_range(path: str, name: str, value: Range, low: float, high: float) -> None:
    """``value`` is ``[a, b]`` with ``low <= a <= b <= high``, else a ConfigError at ``path.name``."""
    a, b = value
    if not low <= a <= b <= high:
        raise ConfigError(f"{path}.{name}", f"expected [a, b] with {low} <= a <= b <= {high}, got [{a}, {b}]")


def check_probability(path: str, name: str, p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise ConfigError(f"{path}.{name}", f"a probability must be in [0, 1], got {p}")


def uniform(value: Range, n: int, device: torch.device) -> torch.Tensor:
    """``n`` draws, uniform in ``[a, b]``: ``(n,)`` float32."""
    a, b = value
    return torch.rand(n, device=device) * (b - a) + a


def chosen(p: float, n: int, device: torch.device) -> torch.Tensor:
    """Which of ``n`` images a step with probability ``p`` touches: ``(n, 1, 1, 1)`` bool."""
    return (torch.rand(n, device=device) < p).view(n, 1, 1, 1)


def bicubic_resize(x: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """``(B, C, H, W)`` -> ``(B, C, *size)``, bicubic with antialiasing (as PIL and MATLAB's imresize)."""
    return F.interpolate(x, size=size, mode="bicubic", antialias=True, align_corners=False)


def gaussian_blur(x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
    """Blur each image with its own std ``sigma`` ``(B, 2)`` (y, x), in pixels; reflect borders."""
    radius = min(max(math.ceil(3.0 * float(sigma.max())), 1), min(x.shape[-2:]) - 1)  # reflect needs pad < size
    if radius < 1:
        return x
    return kornia.filters.gaussian_blur2d(x, (2 * radius + 1, 2 * radius + 1), sigma.clamp_min(1e-3))


def jpeg(x: torch.Tensor, quality: torch.Tensor) -> torch.Tensor:
    """JPEG encode + decode (kornia's differentiable codec), ``quality`` ``(B,)`` in 1..100."""
    return kornia.enhance.jpeg_codec_differentiable(x.clamp(0, 1), quality).clamp(0, 1)


def gaussian_noise(x: torch.Tensor, sigma: torch.Tensor, gray: torch.Tensor) -> torch.Tensor:
    """Add N(0, sigma/255) noise, ``sigma`` ``(B,)``; where ``gray`` ``(B, 1, 1, 1)`` one draw for all channels."""
    b, c, h, w = x.shape
    noise = torch.randn_like(x)
    noise = torch.where(gray, noise[:, :1].expand(b, c, h, w), noise)
    return (x + noise * (sigma / 255.0).view(b, 1, 1, 1)).clamp(0, 1)


@DEGRADATIONS.register("bicubic")
class Bicubic:
    """Downscale to the LR size, bicubic with antialiasing: the convention of the SR literature."""

    resizes: ClassVar[bool] = True
    Options = NoOptions

    def __init__(self, options: NoOptions | None = None):
        self.options = options

    def __call__(self, x: torch.Tensor, lr_size: tuple[int, int]) -> torch.Tensor:
        return bicubic_resize(x, lr_size)


@DEGRADATIONS.register("blur", "gaussian_blur")
class Blur:
    """Isotropic Gaussian blur, std uniform in ``sigma`` (pixels of the image it acts on)."""

    resizes: ClassVar[bool] = False

    @dataclass(frozen=True)
    class Options:
        sigma: Range = (0.2, 2.0)  # std range, pixels
        p: float = 1.0  # probability per image

        def check(self, path: str) -> None:
            check_range(path, "sigma", self.sigma, 0.0, 20.0)
            check_probability(path, "p", self.p)

    def __init__(self, options: Options):
        self.o = options

    def __call__(self, x: torch.Tensor, lr_size: tuple[int, int]) -> torch.Tensor:
        b = x.shape[0]
        sigma = uniform(self.o.sigma, b, x.device)[:, None].expand(b, 2)
        return torch.where(chosen(self.o.p, b, x.device), gaussian_blur(x, sigma), x)


@DEGRADATIONS.register("noise", "gaussian_noise")
class Noise:
    """Additive Gaussian noise, std uniform in ``sigma`` (0..255 units); ``gray``: share it across channels."""

    resizes: ClassVar[bool] = False

    @dataclass(frozen=True)
    class Options:
        sigma: Range = (1.0, 10.0)  # std range, 0..255 units
        gray: float = 0.0  # probability that one noise image serves all three channels
        p: float = 1.0  # probability per image

        def check(self, path: str) -> None:
            check_range(path, "sigma", self.sigma, 0.0, 255.0)
            check_probability(path, "gray", self.gray)
            check_probability(path, "p", self.p)

    def __init__(self, options: Options):
        self.o = options

    def __call__(self, x: torch.Tensor, lr_size: tuple[int, int]) -> torch.Tensor:
        b = x.shape[0]
        noisy = gaussian_noise(x, uniform(self.o.sigma, b, x.device), chosen(self.o.gray, b, x.device))
        return torch.where(chosen(self.o.p, b, x.device), noisy, x)


@DEGRADATIONS.register("jpeg")
class Jpeg:
    """JPEG compression (kornia's differentiable codec, on the device), quality uniform in ``quality``."""

    resizes: ClassVar[bool] = False

    @dataclass(frozen=True)
    class Options:
        quality: Range = (30.0, 95.0)  # JPEG quality range, 1..100
        p: float = 1.0  # probability per image

        def check(self, path: str) -> None:
            check_range(path, "quality", self.quality, 1.0, 100.0)
            check_probability(path, "p", self.p)

    def __init__(self, options: Options):
        self.o = options

    def __call__(self, x: torch.Tensor, lr_size: tuple[int, int]) -> torch.Tensor:
        b = x.shape[0]
        coded = jpeg(x, uniform(self.o.quality, b, x.device))
        return torch.where(chosen(self.o.p, b, x.device), coded, x)


BICUBIC = DegradationConfig.from_json({"type": "bicubic"}, "")
