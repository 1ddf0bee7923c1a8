"""Every registered op: smoke, output shape for several inputs, gradient flow, bad options.

The cases are keyed by op name and ``test_every_op_has_cases`` fails for an op added without
them: adding a layer is one function plus one row here.
"""

from __future__ import annotations

import pytest
import torch

from gancore.errors import ConfigError
from gancore.layers import LAYERS
from gancore.network import build_network

IMG = [(3, 16, 16), (4, 8, 12), (1, 32, 32)]
VEC = [(10,), (7,)]

# op -> (layer string, input shapes, expected output shape for an input shape, a bad string)
CASES = {
    "conv": ("conv 6 stride=2", IMG, lambda s: (6, (s[1] + 1) // 2, (s[2] + 1) // 2), "conv 6 strid=2"),
    "deconv": ("deconv 5", IMG, lambda s: (5, s[1] * 2, s[2] * 2), "deconv 5 stride=two"),
    "resize_conv": ("resize_conv 4", IMG, lambda s: (4, s[1] * 2, s[2] * 2), "resize_conv 4 mode=cubic"),
    "linear": ("linear 9", IMG + VEC, lambda s: (9,), "linear"),
    "reshape": ("reshape -1", IMG + VEC, lambda s: (int(torch.tensor(s).prod()),), "reshape 5*5*5"),
    "flatten": ("flatten", IMG, lambda s: (s[0] * s[1] * s[2],), "flatten 3"),
    "cat": ("cat inp", IMG, lambda s: (s[0] * 2, s[1], s[2]), "cat nowhere"),
    "add": ("add inp", IMG + VEC, lambda s: s, "add"),
    "batch_norm": ("batch_norm", IMG + VEC, lambda s: s, "batch_norm momentum=fast"),
    "instance_norm": ("instance_norm affine=true", IMG, lambda s: s, "instance_norm affine=maybe"),
    "dropout": ("dropout 0.3", IMG + VEC, lambda s: s, "dropout 1.5"),
    "relu": ("relu", IMG + VEC, lambda s: s, "relu 3"),
    "lrelu": ("lrelu", IMG + VEC, lambda s: s, "lrelu slope=0.1"),
    "tanh": ("tanh", IMG + VEC, lambda s: s, "tanh x=1"),
    "sigmoid": ("sigmoid", IMG + VEC, lambda s: s, "sigmoid 1 2"),
}
PAIRS = [(op, shape) for op, case in CASES.items() for shape in case[1]]


def build(text: str, shape: tuple[int, ...]):
    return build_network("net", [text], {"inp": shape}, "inp")


def test_every_op_has_cases():
    ops = {LAYERS.get(name).name for name in LAYERS.names()}  # aliases map to one op
    assert ops <= set(CASES), f"ops without test cases: {sorted(ops - set(CASES))}"


@pytest.mark.parametrize(("op", "shape"), PAIRS)
def test_cardinality(op, shape):
    text, _, expect, _ = CASES[op]
    net = build(text, shape)
    assert net.out_shape == expect(shape)
    y = net({"inp": torch.randn(3, *shape)})
    assert tuple(y.shape) == (3, *expect(shape)), "inferred shape must match the real output"


@pytest.mark.parametrize(("op", "shape"), PAIRS)
def test_gradcheck(op, shape):
    net = build(CASES[op][0], shape).double()
    x = torch.randn(3, *shape, dtype=torch.double, requires_grad=True)
    net({"inp": x}).square().sum().backward()
    assert x.grad is not None and torch.isfinite(x.grad).all()
    if op not in ("dropout",):
        assert x.grad.abs().sum() > 0, "gradient must reach the input"
    for p in net.parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, f"{op}: a parameter gets no gradient"


@pytest.mark.parametrize("op", sorted(CASES))
def test_exception(op):
    _, shapes, _, bad = CASES[op]
    with pytest.raises(ConfigError) as err:
        build(bad, shapes[0])
    msg = str(err.value)
    assert msg.startswith("net.layers[0]: ") and f'"{bad}"' in msg


def test_unknown_option_lists_valid_options():
    with pytest.raises(ConfigError) as err:
        build("conv 64 strid=2", (3, 8, 8))
    msg = str(err.value)
    assert "unknown option 'strid'" in msg
    for option in ("filter", "stride", "padding", "initializer", "name"):
        assert option in msg


def test_unknown_op_lists_ops():
    with pytest.raises(ConfigError, match=r"unknown op 'convv' \(valid: .*conv, .*deconv"):
        build("convv 3", (3, 8, 8))


def test_cat_mismatched_sizes():
    with pytest.raises(ConfigError, match=r"cannot concatenate \(4, 4, 4\) with 'e1' \(4, 8, 8\)"):
        build_network("g", ["conv 4 name=e1", "conv 4 stride=2", "cat e1"], {"x": (3, 8, 8)}, "x")


def test_reshape_that_does_not_divide():
    with pytest.raises(ConfigError, match="cannot reshape"):
        build("reshape 3*3*3", (4, 2, 2))


def test_initializer_normal():
    torch.manual_seed(0)
    net = build("conv 256 filter=5 initializer=(normal 0 0.02)", (64, 8, 8))
    w = net.layers[0].weight
    assert abs(w.mean().item()) < 1e-3 and abs(w.std().item() - 0.02) < 1e-3
    assert net.layers[0].bias.abs().sum() == 0


def test_unknown_initializer():
    with pytest.raises(ConfigError, match="unknown initializer 'gauss'"):
        build("conv 4 initializer=(gauss)", (3, 8, 8))


def test_latent_vector_tiled_for_cat():
    net = build_network("g", ["conv 4", "cat latent"], {"x": (3, 8, 8), "latent": (5,)}, "x")
    z = torch.randn(2, 5)
    y = net({"x": torch.randn(2, 3, 8, 8), "latent": z})
    assert y.shape == (2, 9, 8, 8)
    assert torch.equal(y[:, 4:, 3, 5], z)


def test_named_skip_reads_the_kept_output():
    net = build_network("g", ["tanh name=t", "relu", "cat t"], {"x": (2, 4, 4)}, "x")
    x = torch.randn(1, 2, 4, 4)
    y = net({"x": x})
    assert torch.allclose(y[:, :2], torch.relu(torch.tanh(x))) and torch.allclose(y[:, 2:], torch.tanh(x))


def test_duplicate_name():
    with pytest.raises(ConfigError, match="name 'a' is already used"):
        build_network("g", ["relu name=a", "tanh name=a"], {"x": (2, 4, 4)}, "x")


def test_conv2d_alias_and_positional_count():
    assert build("conv2d 4", (3, 8, 8)).out_shape == (4, 8, 8)
    with pytest.raises(ConfigError, match="too many arguments"):
        build("conv 4 5", (3, 8, 8))
    with pytest.raises(ConfigError, match="missing FILTERS"):
        build("conv stride=2", (3, 8, 8))
