"""The push-pull first guess: known pixels exact, holes smooth interpolations of their surroundings."""

from __future__ import annotations

import torch

from apps.inpainter.fill import pyramid_fill


def test_known_pixels_come_back_exactly_and_holes_are_filled():
    g = torch.Generator().manual_seed(0)
    x = torch.rand(2, 3, 37, 53, generator=g)
    known = (torch.rand(2, 1, 37, 53, generator=g) > 0.3).float()
    known[:, :, 10:25, 10:40] = 0  # and a big hole
    out = pyramid_fill(x * known, known)
    assert torch.equal(out * known, x * known)
    assert torch.isfinite(out).all() and (out[:, :, 10:25, 10:40] > 0).all()


def test_a_constant_image_is_filled_with_its_constant():
    known = torch.ones(1, 1, 64, 64)
    known[..., 8:56, 8:56] = 0
    out = pyramid_fill(torch.full((1, 3, 64, 64), 0.25) * known, known)
    assert torch.allclose(out, torch.full_like(out, 0.25), atol=1e-5)


def test_a_ramp_is_interpolated_not_flattened():
    ramp = torch.linspace(0, 1, 64).expand(1, 1, 64, 64).clone()
    known = torch.ones(1, 1, 64, 64)
    known[..., :, 24:40] = 0  # a vertical band missing
    out = pyramid_fill(ramp * known, known)
    band = out[0, 0, 32, 24:40]
    assert (band[1:] >= band[:-1] - 0.01).all(), "monotone across the hole (up to a small ripple), as the ramp"
    rise = float(ramp[0, 0, 32, 39] - ramp[0, 0, 32, 24])
    assert band[-1] - band[0] > 0.5 * rise, "a flat fill would not rise across the band"
    assert abs(band[0] - ramp[0, 0, 32, 23]) < 0.03 and abs(band[-1] - ramp[0, 0, 32, 40]) < 0.03, (
        "no seam at the edges"
    )


def test_a_fully_masked_or_tiny_image_does_not_break_the_pyramid():
    """A hole that survives down to the coarsest level (everything masked) comes back 0, no error."""
    for h, w in [(64, 96), (5, 7), (2, 2)]:
        out = pyramid_fill(torch.zeros(2, 3, h, w), torch.zeros(2, 1, h, w))
        assert out.shape == (2, 3, h, w) and torch.equal(out, torch.zeros_like(out))
