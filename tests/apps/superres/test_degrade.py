"""Degradation steps: shapes, ranges, probabilities and the second-order chain."""

from __future__ import annotations

import pytest
import torch

from apps.superres.degrade import DEGRADATIONS, Blur, DegradationConfig, Jpeg, Noise, bicubic_resize
from apps.superres.realesrgan import SecondOrder


def images(b: int = 4, size: int = 32) -> torch.Tensor:
    torch.manual_seed(0)
    base = torch.linspace(0, 1, size)
    return (base[None, None, :, None] * base[None, None, None, :]).expand(b, 3, size, size).clone()


@pytest.mark.parametrize("name", ["blur", "noise", "jpeg"])
def test_smoke_keeps_size_and_range(name):
    step = DegradationConfig.from_json({"type": name}, "").build()
    x = images()
    y = step(x, (16, 16))
    assert y.shape == x.shape and y.min() >= 0 and y.max() <= 1
    assert not torch.allclose(y, x, atol=1e-3), f"{name} changes the image"


@pytest.mark.parametrize("cls", [Blur, Noise, Jpeg])
def test_probability_zero_is_identity(cls):
    x = images()
    assert torch.equal(cls(cls.Options(p=0.0))(x, (16, 16)), x)


def test_noise_gray_shares_channels():
    y = Noise(Noise.Options(sigma=(20.0, 20.0), gray=1.0))(torch.full((2, 3, 16, 16), 0.5), (8, 8))
    assert torch.allclose(y[:, 0], y[:, 1]) and torch.allclose(y[:, 1], y[:, 2])
    assert 0.05 < (y - 0.5).std() < 0.1, "std 20/255"


def test_blur_smooths():
    x = (torch.rand(2, 3, 32, 32) > 0.5).float()
    y = Blur(Blur.Options(sigma=(2.0, 2.0)))(x, (16, 16))
    assert y.std() < 0.5 * x.std()


@pytest.mark.parametrize("lr_size", [(8, 8), (11, 16)])
def test_second_order_reaches_lr_size(lr_size):
    torch.manual_seed(1)
    x = images(b=3, size=48)
    y = SecondOrder(SecondOrder.Options())(x, lr_size)
    assert y.shape == (3, 3, *lr_size) and y.min() >= 0 and y.max() <= 1
    assert (y - bicubic_resize(x, lr_size)).abs().mean() > 1e-3, "more than a bicubic resize"


def test_registry_names():
    assert {"bicubic", "blur", "noise", "jpeg", "second_order", "realesrgan"} <= set(DEGRADATIONS.names())
