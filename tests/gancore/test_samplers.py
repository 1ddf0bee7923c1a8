"""Samplers for sample sheets: columns, latents fixed or fresh, grid axes, progressive layers, EMA."""

from __future__ import annotations

import pytest
import torch

from gancore.config import config_from_dict
from gancore.config.components import SamplerConfig
from gancore.errors import ConfigError
from gancore.gan import build_gan
from gancore.tasks import Pair


class ImageTask:
    """A tiny unconditional image task (condition empty): outputs (B, 3, 4, 4) shown as they are."""

    def judged(self, condition, image):
        return image

    def to_rgb(self, condition, image):
        return image

    def condition_rgb(self, condition):
        return torch.zeros(condition.shape[0], 3, 4, 4)


def image_gan(toy_dict, generator_layers):
    """A toy GAN whose generator draws (3, 4, 4) images from a 4-D latent (samplers only need G)."""
    from gancore.network import build_network

    toy_dict["latent"] = {"type": "gaussian", "dim": 4}
    gan = build_gan(config_from_dict(toy_dict))
    gan.generator = build_network("generator", generator_layers, {"condition": (0,), "latent": (4,)}, "latent")
    gan.task = ImageTask()
    return gan


def pair(b=3):
    return Pair(torch.zeros(b, 0), torch.rand(b, 3, 4, 4) * 2 - 1)


def sheet(spec, gan, p, step=0):
    return SamplerConfig.from_json(spec, "sampler").build().sheet(gan, p, step)


@pytest.fixture
def gan(toy_dict):
    return image_gan(toy_dict, ["linear 4*4*3", "tanh"])


def test_static_batch_repeats_its_latents(gan):
    p = pair()
    torch.manual_seed(7)
    a = sheet({"type": "static_batch", "columns": 2}, gan, p)
    torch.manual_seed(7)  # the engine seeds before every sheet
    b = sheet({"type": "static_batch", "columns": 2}, gan, p, step=500)
    assert len(a) == 4  # condition | 2 outputs | target
    assert all(torch.equal(x, y) for x, y in zip(a, b))
    assert not torch.equal(a[1], a[2])  # two latent draws per condition


def test_batch_draws_fresh_latents_each_sheet(gan):
    p = pair()
    a, b = sheet("batch", gan, p, step=1), sheet("batch", gan, p, step=2)
    assert not torch.equal(a[1], b[1]) and torch.equal(a[0], b[0])


def test_grid_varies_two_axes(gan):
    torch.manual_seed(0)
    cols = sheet({"type": "grid", "size": 5, "axes": [1, 3]}, gan, pair(4))
    assert len(cols) == 5 and all(c.shape == (4, 3, 4, 4) for c in cols)
    assert not torch.equal(cols[0], cols[-1])  # across: axis 3 changes
    assert not torch.equal(cols[0][0], cols[0][-1])  # down: axis 1 changes
    from gancore.samplers.sheets import GridOptions, GridSampler

    z = GridSampler(GridOptions(size=3, axes=(1, 3), extent=2.0)).latents(torch.zeros(1, 4), rows=2)
    assert [c[:, 3].tolist() for c in z] == [[-2.0, -2.0], [0.0, 0.0], [2.0, 2.0]]
    assert z[0][:, 1].tolist() == [-2.0, 2.0] and torch.all(z[0][:, [0, 2]] == 0)
    with pytest.raises(ConfigError, match="axes"):
        sheet({"type": "grid", "axes": [0, 9]}, gan, pair())


def test_progressive_shows_named_intermediate_outputs(toy_dict):
    layers = ["linear 2*2*3", "tanh name=g2", "resize_conv 3", "tanh name=g4"]
    g = image_gan(toy_dict, layers)
    cols = sheet("progressive", g, pair())
    assert len(cols) == 5  # condition | g2 (upsampled) | g4 | output | target
    assert all(c.shape == (3, 3, 4, 4) for c in cols)
    assert torch.equal(cols[2], cols[3])  # g4 is the output
    with pytest.raises(ConfigError, match="unknown generator layer 'g8'"):
        sheet({"type": "progressive", "layers": ["g8"]}, g, pair())


def test_samples_come_from_the_ema_generator(gan):
    from gancore.tricks import make_ema

    gan.ema = make_ema(gan.generator)
    with torch.no_grad():
        for p in gan.ema.parameters():
            p.zero_()
    cols = sheet("static_batch", gan, pair())
    assert torch.all(cols[1] == 0)  # tanh(0): the EMA weights, not the live ones
