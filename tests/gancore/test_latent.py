"""Latent distributions and HyperGAN's projections: shapes, ranges, statistics, config errors."""

from __future__ import annotations

import math

import pytest
import torch

from gancore.config.components import LatentConfig
from gancore.errors import ConfigError
from gancore.latent.projections import project


def latent(spec):
    return LatentConfig.from_json(spec, "latent").build()


@pytest.fixture(autouse=True)
def seed():
    torch.manual_seed(0)


def test_shapes_and_dim_zero():
    for name in ("gaussian", "uniform", "truncated_gaussian", "sphere", "binary", "modal", "categorical"):
        z = latent({"type": name, "dim": 6}).sample(5)
        assert z.shape == (5, 6) and z.dtype == torch.float32, name
        assert latent({"type": name, "dim": 0}).sample(3).shape == (3, 0), name


def test_uniform_range():
    z = latent({"type": "uniform", "dim": 4, "min": -0.5, "max": 2}).sample(5000)
    assert z.min() >= -0.5 and z.max() <= 2 and z.mean().item() == pytest.approx(0.75, abs=0.03)


def test_truncated_gaussian_stays_within_the_truncation():
    z = latent({"type": "truncated_gaussian", "dim": 8, "truncation": 1.5}).sample(4000)
    assert z.abs().max() <= 1.5 and z.std().item() < 1.0  # truncation lowers the spread
    assert z.abs().max() > 1.4  # resampled, not collapsed


def test_sphere_binary_modal_categorical():
    s = latent({"type": "sphere", "dim": 5}).sample(100)
    assert torch.allclose(s.norm(dim=1), torch.ones(100), atol=1e-5)
    b = latent({"type": "binary", "dim": 5}).sample(2000)
    assert set(b.unique().tolist()) == {0.0, 1.0} and b.mean().item() == pytest.approx(0.5, abs=0.03)
    m = latent({"type": "modal", "dim": 5, "modes": 2}).sample(2000)
    assert set(m.unique().tolist()) <= {-1.0, -0.5, 0.0, 0.5, 1.0}
    c = latent({"type": "categorical", "dim": 4}).sample(4000)
    assert torch.all(c.sum(1) == 1) and set(c.unique().tolist()) == {0.0, 1.0}
    assert torch.allclose(c.mean(0), torch.full((4,), 0.25), atol=0.03)


def test_projections_concatenate_views_of_one_uniform_sample():
    z = latent({"type": "uniform", "dim": 12, "projections": ["identity", "sphere", "binary"]}).sample(7)
    u, sphere, binary = z[:, :4], z[:, 4:8], z[:, 8:]
    assert u.abs().max() <= 1
    assert torch.allclose(sphere.norm(dim=1), torch.ones(7), atol=1e-4)
    assert torch.equal(binary, (u > 0).float())  # the same u, projected


def test_projection_formulas_by_hand():
    u = torch.tensor([[0.5, -0.5, 0.2, 0.0]])
    assert torch.equal(project("identity", u), u)
    assert torch.allclose(project("modal", u, modes=2), torch.tensor([[0.5, -0.5, 0.0, 0.0]]))
    # Box-Muller: v = (u + 1) / 2 = [0.75, 0.25 | 0.6, 0.5]; r = sqrt(-2 ln v_a), angle 2 pi v_b
    r = [math.sqrt(-2 * math.log(0.75)), math.sqrt(-2 * math.log(0.25))]
    want = [r[0] * math.cos(2 * math.pi * 0.6), r[1] * math.cos(math.pi), r[0] * math.sin(2 * math.pi * 0.6), 0.0]
    assert torch.allclose(project("gaussian", u), torch.tensor([want]), atol=1e-5)
    assert torch.allclose(project("periodic", torch.tensor([[0.5]]), periods=2.0), torch.tensor([[1.0]]))


def test_gaussian_projection_is_standard_normal():
    g = latent({"type": "uniform", "dim": 8, "projections": ["gaussian"]}).sample(20000)
    assert g.mean().item() == pytest.approx(0.0, abs=0.03) and g.std().item() == pytest.approx(1.0, abs=0.03)


def test_config_errors():
    with pytest.raises(ConfigError, match="multiple of the 2 projections"):
        latent({"type": "uniform", "dim": 5, "projections": ["identity", "binary"]})
    with pytest.raises(ConfigError, match="even"):
        latent({"type": "uniform", "dim": 3, "projections": ["gaussian"]})
    with pytest.raises(ConfigError, match="projections\\[0\\]"):
        latent({"type": "uniform", "dim": 4, "projections": ["spherical"]})
    with pytest.raises(ConfigError, match="dim"):
        latent({"type": "gaussian", "dim": -1})


def test_old_stored_gaussian_config_still_loads():
    """Configs stored before the distributions grew keep loading (min/max on a gaussian included)."""
    assert latent({"type": "gaussian", "dim": 0, "min": -1.0, "max": 1.0}).dim == 0
