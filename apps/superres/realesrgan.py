"""Real-ESRGAN's second-order degradation (Wang et al. 2021) as one ``degradations`` step.

    {"type": "second_order"}                          # Real-ESRGAN x4plus's ranges
    {"type": "second_order", "noise_sigma": [1, 10]}  # any range can be narrowed

Two rounds of blur -> random resize -> noise -> JPEG, then the final resize to the LR size with
a JPEG before or after it (random order), as in ``realesrgan/models/realesrgan_model.py``. Like
the original, one resize factor and interpolation mode serve a whole batch; blur, noise and JPEG
parameters are drawn per image. Simplified: the blur kernels are Gaussian, isotropic or
axis-aligned anisotropic (no rotated, generalized or plateau kernels), and there is no sinc filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import torch
import torch.nn.functional as F

from gancore.errors import ConfigError

from .degrade import (
    DEGRADATIONS,
    Range,
    check_probability,
    check_range,
    chosen,
    gaussian_blur,
    gaussian_noise,
    jpeg,
    uniform,
)

MODES = ("area", "bilinear", "bicubic")


def draw() -> float:
    """One uniform draw in [0, 1) from torch's CPU generator (seeded and checkpointed by the engine)."""
    return float(torch.rand(()))


def pick(weights) -> int:
    """An index drawn with probability proportional to ``weights``."""
    return int(torch.multinomial(torch.tensor(weights, dtype=torch.float), 1))


def resize(x: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """Resize with an interpolation mode drawn from area, bilinear and bicubic."""
    mode = MODES[pick((1.0, 1.0, 1.0))]
    return F.interpolate(x, size=size, mode=mode, align_corners=None if mode == "area" else False).clamp(0, 1)


@dataclass(frozen=True)
class Order:
    """The parameters of one round of the chain."""

    blur_prob: float
    blur_sigma: Range  # pixels
    resize: Range  # factor range, relative to the round's reference size
    resize_prob: tuple[float, float, float]  # probabilities of (up, down, keep)
    noise_sigma: Range  # Gaussian noise std, 0..255 units
    poisson_scale: Range  # Poisson noise strength
    jpeg_quality: Range


def blur(x: torch.Tensor, o: Order) -> torch.Tensor:
    """Gaussian blur per image: isotropic or axis-aligned anisotropic, half and half."""
    b = x.shape[0]
    sy, sx = uniform(o.blur_sigma, b, x.device), uniform(o.blur_sigma, b, x.device)
    iso = torch.rand(b, device=x.device) < 0.5
    sigma = torch.stack([sy, torch.where(iso, sy, sx)], dim=1)
    return torch.where(chosen(o.blur_prob, b, x.device), gaussian_blur(x, sigma), x)


def random_resize(x: torch.Tensor, o: Order, ref: tuple[int, int]) -> torch.Tensor:
    """Resize the batch to ``ref`` times a factor drawn up / down / keep, with a random mode."""
    kind = pick(o.resize_prob)  # 0 up, 1 down, 2 keep
    low, high = o.resize
    factor = (1.0 + draw() * (high - 1.0), low + draw() * (1.0 - low), 1.0)[kind]
    return resize(x, (max(1, round(ref[0] * factor)), max(1, round(ref[1] * factor))))


def poisson_noise(x: torch.Tensor, scale: torch.Tensor, gray: torch.Tensor) -> torch.Tensor:
    """Shot noise at 8-bit levels, strength ``scale`` ``(B,)``; ``gray`` ``(B, 1, 1, 1)`` shares it."""
    b, c, h, w = x.shape
    luma = x.mean(1, keepdim=True).expand(b, c, h, w)
    src = torch.where(gray, luma, x)
    noise = torch.poisson(src * 255.0) / 255.0 - src
    return (x + noise * scale.view(b, 1, 1, 1)).clamp(0, 1)


def noise(x: torch.Tensor, o: Order, gaussian_prob: float, gray_prob: float) -> torch.Tensor:
    """Gaussian (probability ``gaussian_prob``) or Poisson noise on every image."""
    b = x.shape[0]
    gray = chosen(gray_prob, b, x.device)
    g = gaussian_noise(x, uniform(o.noise_sigma, b, x.device), gray)
    p = poisson_noise(x, uniform(o.poisson_scale, b, x.device), gray)
    return torch.where(chosen(gaussian_prob, b, x.device), g, p)


@DEGRADATIONS.register("second_order", "realesrgan")
class SecondOrder:
    """The whole chain, HR -> LR; defaults are Real-ESRGAN x4plus's (``train_realesrgan_x4plus.yml``)."""

    resizes: ClassVar[bool] = True

    @dataclass(frozen=True)
    class Options:
        blur_sigma: Range = (0.2, 3.0)  # first round
        resize: Range = (0.15, 1.5)  # factors of the HR size
        resize_prob: tuple[float, float, float] = (0.2, 0.7, 0.1)  # up, down, keep
        noise_sigma: Range = (1.0, 30.0)  # 0..255 units
        poisson_scale: Range = (0.05, 3.0)
        jpeg_quality: Range = (30.0, 95.0)
        blur_prob2: float = 0.8  # second round
        blur_sigma2: Range = (0.2, 1.5)
        resize2: Range = (0.3, 1.2)  # factors of the LR size
        resize_prob2: tuple[float, float, float] = (0.3, 0.4, 0.3)
        noise_sigma2: Range = (1.0, 25.0)
        poisson_scale2: Range = (0.05, 2.5)
        jpeg_quality2: Range = (30.0, 95.0)
        gaussian_noise_prob: float = 0.5  # else Poisson
        gray_noise_prob: float = 0.4

        def check(self, path: str) -> None:
            for suffix in ("", "2"):
                check_range(path, "blur_sigma" + suffix, getattr(self, "blur_sigma" + suffix), 0.0, 20.0)
                check_range(path, "resize" + suffix, getattr(self, "resize" + suffix), 0.01, 4.0)
                check_range(path, "noise_sigma" + suffix, getattr(self, "noise_sigma" + suffix), 0.0, 255.0)
                check_range(path, "poisson_scale" + suffix, getattr(self, "poisson_scale" + suffix), 0.0, 10.0)
                check_range(path, "jpeg_quality" + suffix, getattr(self, "jpeg_quality" + suffix), 1.0, 100.0)
                probs = getattr(self, "resize_prob" + suffix)
                if min(probs) < 0 or sum(probs) <= 0:
                    raise ConfigError(f"{path}.resize_prob{suffix}", f"expected 3 weights >= 0, got {list(probs)}")
            for name in ("blur_prob2", "gaussian_noise_prob", "gray_noise_prob"):
                check_probability(path, name, getattr(self, name))

    def __init__(self, options: Options):
        o = options
        self.o = o
        self.first = Order(1.0, o.blur_sigma, o.resize, o.resize_prob, o.noise_sigma, o.poisson_scale, o.jpeg_quality)
        self.second = Order(
            o.blur_prob2, o.blur_sigma2, o.resize2, o.resize_prob2, o.noise_sigma2, o.poisson_scale2, o.jpeg_quality2
        )

    def __call__(self, x: torch.Tensor, lr_size: tuple[int, int]) -> torch.Tensor:
        b = x.shape[0]
        for order, ref in ((self.first, tuple(x.shape[-2:])), (self.second, lr_size)):
            x = blur(x, order)
            x = random_resize(x, order, ref)
            x = noise(x, order, self.o.gaussian_noise_prob, self.o.gray_noise_prob)
            if order is self.first:
                x = jpeg(x, uniform(order.jpeg_quality, b, x.device))
        # last: resize to the LR size and JPEG, in a random order
        quality = uniform(self.second.jpeg_quality, b, x.device)
        if draw() < 0.5:
            return jpeg(resize(x, lr_size), quality)
        return resize(jpeg(x, quality), lr_size)
