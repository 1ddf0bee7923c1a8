"""HyperGAN's own syntax: the configuration reference's example networks (seed) and layer strings
from HyperGAN's published configurations parse, build, and run with the shapes they infer."""

from __future__ import annotations

import pytest
import torch

from gancore.config.fields import from_dict
from gancore.dsl import parse_layer
from gancore.layers.defaults import LayerDefaults
from gancore.network import build_network

# the configuration reference (shared/seeds/hypergan-configuration-reference.md)
SEED_D = ["conv 32", "relu", "conv 64 ", "relu", "conv 128", "relu", "conv 256", "relu", "flatten", "linear 1"]
SEED_G = [
    "linear 128 name=w", "relu", "resize_conv 256", "const 1*1*128", "adaptive_instance_norm", "relu",
    *["resize_conv 256", "adaptive_instance_norm", "relu"] * 4,
    "resize_conv 128", "adaptive_instance_norm", "relu", "resize_conv 64", "adaptive_instance_norm", "relu",
    "resize_conv 32", "adaptive_instance_norm", "relu", "resize_conv 3", "tanh",
]  # fmt: skip
# the same reference as HyperGAN's README gives it: a defaults block, "linear 1 activation=null"
VARIANT_D = {
    "defaults": {
        "activation": "tanh",
        "initializer": "he_normal",
        "filter": [3, 3],
        "stride": [1, 1],
        "avg_pool": [2, 2],
    },
    "layers": ["conv 32", "conv 64 ", "conv 128", "conv 256", "linear 1 activation=null"],
}
VARIANT_G = {
    "defaults": {"activation": "tanh", "initializer": "he_normal", "filter": [3, 3], "stride": [1, 1],
                 "avg_pool": [1, 1]},
    "layers": [
        "linear 128", "reshape -1 name=w", "const 1*1*128",
        *["adaptive_instance_norm", "resize_conv 256"] * 5,
        "adaptive_instance_norm", "resize_conv 128", "adaptive_instance_norm", "resize_conv 64",
        "adaptive_instance_norm", "resize_conv 32", "adaptive_instance_norm", "resize_conv 3 activation=null",
    ],
}  # fmt: skip


def test_seed_discriminator():
    net = build_network("discriminator", SEED_D, {"input": (3, 64, 64)}, "input")
    assert net.out_shape == (1,)
    assert net({"input": torch.randn(2, 3, 64, 64)}).shape == (2, 1)


def test_seed_adain_generator():
    net = build_network("generator", SEED_G, {"latent": (100,)}, "latent")
    assert net.out_shape == (3, 256, 256), "a 1x1 const doubled by eight resize_convs"
    assert [r.shape for r in net.rows[:4]] == [(128,), (128,), (256, 2, 2), (128, 1, 1)]
    assert sum(isinstance(m, torch.nn.Tanh) for m in net.layers) == 1


def test_seed_variant_with_defaults():
    d = build_network("discriminator", VARIANT_D["layers"], {"input": (3, 64, 64)}, "input", _defaults(VARIANT_D))
    assert [r.shape for r in d.rows] == [(32, 32, 32), (64, 16, 16), (128, 8, 8), (256, 4, 4), (1,)]
    assert isinstance(d.layers[0].post[-1], torch.nn.Tanh) and isinstance(d.layers[-1], torch.nn.Sequential)
    g = build_network("generator", VARIANT_G["layers"], {"latent": (100,)}, "latent", _defaults(VARIANT_G))
    assert g.out_shape == (3, 512, 512)
    assert isinstance(g.layers[0].post[-1], torch.nn.Tanh), "linear 128 gets the default activation"


def _defaults(block) -> LayerDefaults:
    return from_dict(LayerDefaults, block["defaults"], "defaults")


# layer strings from HyperGAN's configurations (hypergan/configurations/*.json) and layer docs
IMAGE_STRINGS = [
    "conv 64 stride=2", "conv 32 name=encoder_1 ", "conv 64 stride=2 padding=0",
    "conv2d 128 padding=0  initializer=(orthogonal)", "conv2d 128 initializer=(xavier_normal)", "conv 4",
    "deconv 128 avg_pool=1", "deconv 3 avg_pool=1 activation=null", "deconv 3 stride=1 activation=tanh",
    "deconv 3 activation=tanh", "resize_conv 256", "resize_conv 3 stride=2 activation=tanh", "subpixel 256",
    "upsample", "upsample h=20 w=20", "upsample w=96 h=96", "add self (ez_norm initializer=(xavier_normal))",
    "cat self (ez_norm style=w)", "add self (efficient_attention)", "efficient_attention 3", "cat self (attention)",
    "add self (layer encoding upsample=true)", "adaptive_instance_norm", "instance_norm", "batch_norm", "layer_norm",
    "pixel_norm", "learned_noise", "noise", "residual 3", "pixel_shuffle", "avg_pool", "adaptive_avg_pool", "blur",
    "modulated_conv2d 64", "modulated_conv2d 32 upsample", "channel_attention 16", "flatten", "identity name=z",
    "layer w", "latent", "linear 1", "linear 1 activation=null", "linear 1 bias=false", "linear 1024",
    "linear 1 activation=null initializer=stylegan bias=false", "linear 1 name=zd4 activation=null",
    "linear 512 initializer=stylegan name=w2", "linear bias=false 8*8*3 activation=null", "reshape -1 name=w3",
    "const 1*1*128", "const 16*16*12", "const 32*32*32", "dropout 0.5", "relu", "lrelu", "prelu", "selu",
    "hardtanh", "tanh", "conv 64 sn=true", "linear 128 lr_mult=0.01", "conv 16 trainable=false",
    "deconv 8 filter=3 stride=1",
]  # fmt: skip
VECTOR_STRINGS = [
    "split 128 0", "split 128 1", "multi_head_attention 256 initializer=(xavier_normal)", "multi_head_attention 1",
    "multi_head_attention 1024 heads=4", "linear 4*4*128 initializer=(orthogonal)", "linear 8*8*256", "pixel_norm",
]  # fmt: skip
NAMES = {"latent": (256,), "w": (64,), "encoding": (16, 8, 8)}


def _check(net, inputs):
    y = net({k: torch.randn(2, *s) for k, s in inputs.items()})
    assert tuple(y.shape[1:]) == net.out_shape


@pytest.mark.parametrize("text", IMAGE_STRINGS)
def test_hypergan_string_on_an_image(text):
    parse_layer(text)
    inputs = {"x": (16, 16, 16), **NAMES}
    _check(build_network("g", [text], inputs, "x"), inputs)


@pytest.mark.parametrize("text", VECTOR_STRINGS)
def test_hypergan_string_on_a_vector(text):
    inputs = {"v": (256,), **NAMES}
    _check(build_network("g", [text], inputs, "v"), inputs)


def test_hypergan_aligned_generator():
    """hypergan/configurations/aligned.json's generator (an image-to-image G with a latent)."""
    layers = [
        "identity name=z", "latent", "multi_head_attention 256 initializer=(xavier_normal)", "relu",
        "identity name=w", "layer z",
        "conv 64 stride=2", "relu", "conv 128 stride=2", "relu", "conv 256 stride=2", "relu",
        "upsample", "add self (ez_norm initializer=(xavier_normal))", "conv2d 128 initializer=(xavier_normal)", "relu",
        "upsample", "add self (ez_norm initializer=(xavier_normal))", "conv2d 64 initializer=(xavier_normal)", "relu",
        "upsample", "add self (ez_norm initializer=(xavier_normal))", "conv2d 30 initializer=(xavier_normal)",
        "add self (ez_norm initializer=(xavier_normal))", "segment_softmax 3", "hardtanh",
    ]  # fmt: skip
    inputs = {"x": (3, 32, 32), "latent": (256,)}
    net = build_network("generator", layers, inputs, "x")
    assert net.out_shape == (3, 32, 32)
    _check(net, inputs)


def test_hypergan_interpolated_generator_head():
    """hypergan/configurations/aligned_interpolated.json up to its resizable_stack (25600 -> 2560 here)."""
    layers = [
        "identity name=z", "latent", "split 128 0", "multi_head_attention 256 initializer=(xavier_normal)", "relu",
        "identity name=w", "layer z", "split 128 1", "multi_head_attention 256 initializer=(xavier_normal)", "relu",
        "multi_head_attention 2560 initializer=(xavier_normal)", "relu", "reshape 10*16*16",
        "relu",
    ]  # fmt: skip
    inputs = {"latent": (256,)}
    net = build_network("generator", layers, inputs, "latent")
    assert net.out_shape == (16, 16, 10)
    _check(net, inputs)
