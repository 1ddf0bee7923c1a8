"""``highpass``: what the low-pass filter removes, scaled; nothing of a flat or linear image."""

from __future__ import annotations

import torch

from gancore.layers.resample import Blur, HighPass


def test_highpass_is_the_input_minus_its_blur_times_the_gain():
    x = torch.rand(2, 3, 12, 10)
    assert torch.allclose(HighPass(3, 5, 4.0)(x), 4.0 * (x - Blur(3, 5)(x)), atol=1e-6)


def test_highpass_of_a_flat_or_linear_ramp_is_zero_inside_and_of_a_checkerboard_is_not():
    ramp = torch.linspace(-1, 1, 16).expand(1, 1, 16, 16)
    flat = torch.full((1, 1, 16, 16), 0.3)
    for x in (ramp, flat):
        assert HighPass(1, 5, 8.0)(x)[..., 2:-2, 2:-2].abs().max() < 1e-5  # edges: replicate padding
    checker = (torch.arange(16)[:, None] + torch.arange(16)[None, :]) % 2 * 2.0 - 1
    out = HighPass(1, 3, 1.0)(checker[None, None].float())
    assert out[..., 2:-2, 2:-2].abs().min() > 0.9  # the finest pattern passes nearly whole
