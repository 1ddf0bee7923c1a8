"""``build_network``: the per-network ``defaults`` block, nested layers, frozen layers."""

from __future__ import annotations

import pytest
import torch

from gancore.config import config_from_dict
from gancore.errors import ConfigError
from gancore.gan import build_gan
from gancore.layers.defaults import LayerDefaults
from gancore.network import build_network


def build(layers, defaults=None, shape=(3, 16, 16)):
    return build_network("discriminator", layers, {"input": shape}, "input", defaults)


def test_defaults_fill_unwritten_options():
    d = LayerDefaults(activation="lrelu", initializer="(constant 0.5)", filter=(5, 5), stride=(2, 2), avg_pool=(1, 1))
    net = build(["conv 8", "conv 4 filter=3 stride=1 activation=null", "avg_pool", "linear 1 activation=null"], d)
    first, second = net.layers[0], net.layers[1]
    assert first.core.kernel_size == (5, 5) and first.core.stride == (2, 2)
    assert (first.core.weight == 0.5).all() and isinstance(first.post[0], torch.nn.LeakyReLU)
    assert second.kernel_size == (3, 3) and (second.weight == 0.5).all(), "written options win; null = none"
    assert net.rows[2].shape == (4, 4, 4), "pools keep their own filter: defaults reach weight layers only"
    assert isinstance(net.layers[3], torch.nn.Sequential), "activation=null: no activation after linear 1"


def test_defaults_avg_pool_halves_like_hypergan_0_10():
    d = LayerDefaults(activation="tanh", initializer="he_normal", filter=(3, 3), stride=(1, 1), avg_pool=(2, 2))
    net = build(["conv 32", "conv 64", "linear 1 activation=null"], d, (3, 64, 64))
    assert [r.shape for r in net.rows] == [(32, 32, 32), (64, 16, 16), (1,)]


def test_random_stddev():
    net = build(["conv 64"], LayerDefaults(initializer="random_normal", random_stddev=0.5))
    assert net.layers[0].weight.std().item() == pytest.approx(0.5, rel=0.1)


def test_nested_layers_get_the_defaults():
    net = build(["add self (conv 3)"], LayerDefaults(activation="tanh"))
    assert isinstance(net.layers[0].layers[1].post[0], torch.nn.Tanh)


@pytest.mark.parametrize(
    ("defaults", "path", "needle"),
    [
        ({"activation": "wiggle"}, "discriminator.defaults.activation", "unknown activation 'wiggle'"),
        ({"initializer": "gauss"}, "discriminator.defaults.initializer", "unknown initializer 'gauss'"),
        ({"filter": [3, 5]}, "discriminator.defaults.filter", "only square sizes"),
        ({"stride": 0}, "discriminator.defaults.stride", "at least 1"),
        ({"avg_pool": "big"}, "discriminator.defaults.avg_pool", "expected"),
        ({"colour": 1}, "discriminator.defaults.colour", "unknown key 'colour'"),
    ],
)
def test_defaults_errors_name_the_json_path(tiny_dict, defaults, path, needle):
    tiny_dict["discriminator"]["defaults"] = defaults
    with pytest.raises(ConfigError) as err:
        build_gan(config_from_dict(tiny_dict))
    assert err.value.path == path and needle in str(err.value)


def test_defaults_in_a_config(tiny_dict):
    tiny_dict["discriminator"]["defaults"] = {"activation": "lrelu", "filter": [4, 4]}
    tiny_dict["discriminator"]["layers"] = ["conv 8 stride=2", "conv 16 stride=2", "conv 1 activation=null"]
    gan = build_gan(config_from_dict(tiny_dict))
    assert [r.shape for r in gan.discriminator.rows] == [(8, 16, 16), (16, 8, 8), (1, 7, 7)]


def test_frozen_layers_do_not_train(tiny_dict):
    tiny_dict["generator"]["layers"][0] += " trainable=false"
    tiny_dict["discriminator"]["layers"][0] += " trainable=false"
    cfg = config_from_dict(tiny_dict)
    gan = build_gan(cfg)
    trainer = cfg.trainer.build(gan)
    frozen = [gan.generator.layers[0].weight, gan.discriminator.layers[0].weight]
    before = [p.detach().clone() for p in frozen]
    trained = gan.generator.layers[2].weight.detach().clone()
    trainer.step(torch.rand(4, 3, 32, 32) * 2 - 1)
    assert all(torch.equal(p, b) for p, b in zip(frozen, before))
    assert not torch.equal(gan.generator.layers[2].weight, trained)
    assert not any(p.requires_grad for p in frozen)
