"""Every registered op: smoke, output shape for several inputs, gradient flow, bad options.

The cases are keyed by op name and ``test_every_op_has_cases`` fails for an op added without
them: adding a layer is one function plus one row here. Every case is built as the only layer
of a network whose input is ``inp``; the names ``w`` (a style vector), ``latent`` and ``img``
(a small image) are known too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
import torch

from gancore.errors import ConfigError
from gancore.layers import LAYERS
from gancore.network import build_network

IMG = [(3, 16, 16), (4, 8, 12), (1, 10, 14)]
VEC = [(10,), (7,)]
IMG4 = [(4, 8, 8), (8, 6, 10)]  # channels divisible by 4
NAMED = {"w": (8,), "latent": (6,), "img": (2, 5, 5)}


def chw(s):
    """An input shape as (C, H, W); a vector is a 1x1 image."""
    return (s[0], 1, 1) if len(s) == 1 else s


def same(s):
    return s


@dataclass(frozen=True)
class Case:
    text: str  # the layer string
    shapes: list  # input shapes to try
    expect: Callable  # input shape -> output shape
    bad: str  # a string that must fail at build time
    input_grad: bool = True  # the output depends on the input (and so must its gradient)


A = Case  # short rows
CASES = {
    # convolutions
    "conv": A(
        "conv 6 stride=2", IMG + VEC, lambda s: (6, (chw(s)[1] + 1) // 2, (chw(s)[2] + 1) // 2), "conv 6 strid=2"
    ),
    "deconv": A("deconv 5", IMG, lambda s: (5, s[1] * 2, s[2] * 2), "deconv 5 stride=two"),
    "resize_conv": A(
        "resize_conv 4", IMG + VEC, lambda s: (4, chw(s)[1] * 2, chw(s)[2] * 2), "resize_conv 4 mode=cubic"
    ),
    "subpixel": A("subpixel 3", IMG, lambda s: (3, s[1] * 2, s[2] * 2), "subpixel 3 factor=0"),
    # dense and shape
    "linear": A("linear 9", IMG + VEC, lambda s: (9,), "linear"),
    "reshape": A("reshape -1", IMG + VEC, lambda s: (int(torch.tensor(s).prod()),), "reshape 5*5*5"),
    "flatten": A("flatten", IMG, lambda s: (s[0] * s[1] * s[2],), "flatten 3"),
    "identity": A("identity", IMG + VEC, same, "identity 1"),
    "split": A("split 2 0", [*IMG4, (10,)], lambda s: (2, *s[1:]), "split 2 9"),
    "pad": A("pad 1 2 0 3", IMG, lambda s: (s[0], s[1] + 3, s[2] + 3), "pad 1 2"),
    "const": A("const 4*3*2", IMG + VEC, lambda s: (2, 3, 4), "const 0*3*2", input_grad=False),
    "latent": A("latent", IMG + VEC, lambda s: (6,), "latent 3", input_grad=False),
    "layer": A("layer img upsample=true", IMG, lambda s: (2, *s[1:]), "layer nowhere", input_grad=False),
    "noise": A("noise", IMG + VEC, same, "noise std=1", input_grad=False),
    "learned_noise": A("learned_noise", IMG + VEC, same, "learned_noise init=big"),
    # composites
    "cat": A("cat inp", IMG, lambda s: (s[0] * 2, s[1], s[2]), "cat nowhere"),
    "add": A("add inp", IMG + VEC, same, "add"),
    "mul": A("mul self (conv 2 filter=1)", [(2, 8, 8), (2, 5, 7)], same, "mul self (conv 3 filter=1)"),
    "residual": A("residual 2 norm=pixel_norm", IMG, same, "residual 2 norm=fancy"),
    "rrdb": A("rrdb 2 growth=4", IMG, same, "rrdb 1 scale=0"),
    "ffc": A("ffc 8 ratio_g=0.5 ratio_in=0", IMG, lambda s: (8, s[1], s[2]), "ffc 8 ratio_g=1"),
    "ffc_residual": A("ffc_residual 2 ratio_g=0.5", IMG4, same, "ffc_residual 1 norm=fancy"),
    "gated_conv": A(
        "gated_conv 5 stride=2", IMG, lambda s: (5, (s[1] + 1) // 2, (s[2] + 1) // 2), "gated_conv 5 gate=2"
    ),
    # normalisation
    "batch_norm": A("batch_norm", IMG + VEC, same, "batch_norm momentum=fast"),
    "instance_norm": A("instance_norm affine=true", IMG, same, "instance_norm affine=maybe"),
    "layer_norm": A("layer_norm", IMG + VEC, same, "layer_norm affine=1"),
    "group_norm": A("group_norm 2", [*IMG4, (6,)], same, "group_norm 3"),
    "pixel_norm": A("pixel_norm", IMG + VEC, same, "pixel_norm eps=tiny"),
    "dropout": A("dropout 0.3", IMG + VEC, same, "dropout 1.5"),
    "adaptive_instance_norm": A("adaptive_instance_norm", IMG, same, "adaptive_instance_norm style=z"),
    "ez_norm": A("ez_norm initializer=(xavier_normal)", IMG + VEC, same, "ez_norm style=nowhere"),
    "modulated_conv2d": A("modulated_conv2d 5", IMG, lambda s: (5, *s[1:]), "modulated_conv2d 5 sideways"),
    # resampling
    "upsample": A("upsample", IMG + VEC, lambda s: (chw(s)[0], chw(s)[1] * 2, chw(s)[2] * 2), "upsample mode=fancy"),
    "pixel_shuffle": A("pixel_shuffle", IMG4, lambda s: (s[0] // 4, s[1] * 2, s[2] * 2), "pixel_shuffle 3"),
    "avg_pool": A("avg_pool", IMG, lambda s: (s[0], s[1] // 2, s[2] // 2), "avg_pool 0"),
    "max_pool": A(
        "max_pool 3 stride=2 padding=1", IMG, lambda s: (s[0], (s[1] + 1) // 2, (s[2] + 1) // 2), "max_pool 40"
    ),
    "adaptive_avg_pool": A("adaptive_avg_pool 2", IMG, lambda s: (s[0], 2, 2), "adaptive_avg_pool w=0"),
    "blur": A("blur", IMG, same, "blur filter=9"),
    "highpass": A("highpass gain=4", IMG, same, "highpass filter=4"),
    # attention
    "self_attention": A("self_attention gamma=0.5", IMG4, same, "self_attention heads=2"),
    "multi_head_attention": A(
        "multi_head_attention 6", [*IMG4, (8,)], lambda s: (6, *s[1:]), "multi_head_attention 6 heads=3"
    ),
    "channel_attention": A(
        "channel_attention 5 reduction=1", IMG4, lambda s: (5, *s[1:]), "channel_attention 5 reduction=0"
    ),
    "segment_softmax": A("segment_softmax 2", IMG4, lambda s: (2, *s[1:]), "segment_softmax 3"),
    "efficient_attention": A("efficient_attention", IMG4, same, "efficient_attention x"),
    # activations
    "relu": A("relu", IMG + VEC, same, "relu 3"),
    "lrelu": A("lrelu", IMG + VEC, same, "lrelu slope=0.1"),
    "prelu": A("prelu per_channel=true", IMG + VEC, same, "prelu 0.1"),
    "elu": A("elu", IMG + VEC, same, "elu alpha=x"),
    "celu": A("celu 0.5", IMG + VEC, same, "celu 0"),
    "selu": A("selu", IMG + VEC, same, "selu alpha=1"),
    "gelu": A("gelu", IMG + VEC, same, "gelu 1"),
    "silu": A("silu", IMG + VEC, same, "silu beta=1"),
    "softplus": A("softplus", IMG + VEC, same, "softplus beta=soft"),
    "sigmoid": A("sigmoid", IMG + VEC, same, "sigmoid 1 2"),
    "tanh": A("tanh", IMG + VEC, same, "tanh x=1"),
    "hardtanh": A("hardtanh min=-2", IMG + VEC, same, "hardtanh min=1 max=0"),
    "relu6": A("relu6", IMG + VEC, same, "relu6 6"),
    "softsign": A("softsign", IMG + VEC, same, "softsign 1"),
    "softshrink": A("softshrink 0.1", IMG + VEC, same, "softshrink -1"),
    "tanhshrink": A("tanhshrink", IMG + VEC, same, "tanhshrink 1"),
}
PAIRS = [(op, shape) for op, case in CASES.items() for shape in case.shapes]


def build(text: str, shape: tuple[int, ...]):
    return build_network("net", [text], {"inp": shape, **NAMED}, "inp")


def inputs(shape, dtype=torch.float32, requires_grad=False):
    named = {k: torch.randn(3, *s, dtype=dtype) for k, s in NAMED.items()}
    return {"inp": torch.randn(3, *shape, dtype=dtype, requires_grad=requires_grad), **named}


def test_every_op_has_cases():
    ops = {LAYERS.get(name).name for name in LAYERS.names()}  # aliases map to one op
    assert ops <= set(CASES), f"ops without test cases: {sorted(ops - set(CASES))}"


@pytest.mark.parametrize(("op", "shape"), PAIRS)
def test_cardinality(op, shape):
    torch.manual_seed(0)
    case = CASES[op]
    net = build(case.text, shape)
    assert net.out_shape == case.expect(shape)
    y = net(inputs(shape))
    assert tuple(y.shape) == (3, *case.expect(shape)), "inferred shape must match the real output"


@pytest.mark.parametrize(("op", "shape"), PAIRS)
def test_gradcheck(op, shape):
    torch.manual_seed(0)
    case = CASES[op]
    net = build(case.text, shape).double()
    x = inputs(shape, torch.double, requires_grad=True)
    y = net(x)
    if not y.requires_grad:  # pure sources (noise): nothing to differentiate
        assert not case.input_grad and not list(net.parameters())
        return
    y.square().sum().backward()
    if case.input_grad:
        grad = x["inp"].grad
        assert grad is not None and torch.isfinite(grad).all()
        if op != "dropout":
            assert grad.abs().sum() > 0, "gradient must reach the input"
    for name, p in net.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, f"{op}: parameter {name} gets no gradient"


@pytest.mark.parametrize("op", sorted(CASES))
def test_exception(op):
    case = CASES[op]
    with pytest.raises(ConfigError) as err:
        build(case.bad, case.shapes[0])
    msg = str(err.value)
    assert msg.startswith("net.layers[0]: ") and f'"{case.bad}"' in msg


@pytest.mark.parametrize("op", sorted(CASES))
def test_trainable_false_freezes(op):
    case = CASES[op]
    net = build(f"{case.text} trainable=false", case.shapes[0])
    assert not any(p.requires_grad for p in net.parameters())
    net.requires_grad_(True)  # what a trainer does after G's step: frozen layers stay frozen
    assert not any(p.requires_grad for p in net.parameters())


def test_unknown_option_lists_valid_options():
    with pytest.raises(ConfigError) as err:
        build("conv 64 strid=2", (3, 8, 8))
    msg = str(err.value)
    assert "unknown option 'strid'" in msg
    for option in ("filter", "stride", "padding", "initializer", "sn", "activation", "name", "trainable"):
        assert option in msg


def test_unknown_op_lists_ops():
    with pytest.raises(ConfigError, match=r"unknown op 'convv' \(valid: .*conv, .*deconv"):
        build("convv 3", (3, 8, 8))


def test_cat_mismatched_sizes():
    with pytest.raises(ConfigError, match=r"cannot concatenate \(4, 4, 4\) with 'e1' \(4, 8, 8\)"):
        build_network("g", ["conv 4 name=e1", "conv 4 stride=2", "cat e1"], {"x": (3, 8, 8)}, "x")


def test_reshape_that_does_not_divide():
    with pytest.raises(ConfigError, match=r"cannot reshape \(4, 2, 2\) \(16 values\) to 3\*3\*3 \(27 values\)"):
        build("reshape 3*3*3", (4, 2, 2))


def test_impossible_conv_names_shapes():
    with pytest.raises(ConfigError, match=r"input 2x2 is too small for filter=5 stride=1 padding=0"):
        build("conv 4 filter=5 padding=0", (3, 2, 2))


def test_wrong_type_names_the_option():
    with pytest.raises(ConfigError, match=r"'stride' must be an integer, got 'two'"):
        build("conv 4 stride=two", (3, 8, 8))


def test_conv2d_alias_and_positional_count():
    assert build("conv2d 4", (3, 8, 8)).out_shape == (4, 8, 8)
    with pytest.raises(ConfigError, match="too many arguments"):
        build("conv 4 5", (3, 8, 8))
    with pytest.raises(ConfigError, match="missing FILTERS"):
        build("conv stride=2", (3, 8, 8))


def test_duplicate_name():
    with pytest.raises(ConfigError, match="name 'a' is already used"):
        build_network("g", ["relu name=a", "tanh name=a"], {"x": (2, 4, 4)}, "x")


@pytest.mark.parametrize("word", ["self", "noise"])
def test_reserved_names(word):
    with pytest.raises(ConfigError, match="reserved"):
        build_network("g", [f"relu name={word}"], {"x": (2, 4, 4)}, "x")
