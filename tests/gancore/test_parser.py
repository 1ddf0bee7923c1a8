"""The layer-string parser: HyperGAN's grammar in, typed LayerSpec out; errors point at the token."""

from __future__ import annotations

import pytest

from gancore.dsl import LayerSpec, Size, parse_layer
from gancore.errors import ConfigError


@pytest.mark.parametrize(
    ("text", "op", "args", "options"),
    [
        ("conv 64", "conv", (64,), ()),
        ("conv 64 stride=2 name=e1", "conv", (64,), (("stride", 2), ("name", "e1"))),
        ("  conv 64  ", "conv", (64,), ()),
        ("lrelu alpha=0.1", "lrelu", (), (("alpha", 0.1),)),
        ("linear 1 activation=null", "linear", (1,), (("activation", None),)),
        ("instance_norm affine=true", "instance_norm", (), (("affine", True),)),
        ("reshape 10*10*256", "reshape", (Size((10, 10, 256)),), ()),
        ("reshape -1", "reshape", (-1,), ()),
        ("cat e1", "cat", ("e1",), ()),
        ("dropout 0.5", "dropout", (0.5,), ()),
        ("conv 64 lr=1e-3", "conv", (64,), (("lr", 1e-3),)),
        ("const 1*1*128", "const", (Size((1, 1, 128)),), ()),
    ],
)
def test_valid(text, op, args, options):
    spec = parse_layer(text)
    assert (spec.op, spec.args, spec.options) == (op, args, options)


def test_nested_parentheses():
    spec = parse_layer("add self (ez_norm initializer=(xavier_normal))")
    assert spec.op == "add" and spec.args[0] == "self"
    inner = spec.args[1]
    assert isinstance(inner, LayerSpec) and inner.op == "ez_norm"
    init = inner.option("initializer")
    assert isinstance(init, LayerSpec) and init.op == "xavier_normal" and init.args == ()
    assert inner.source == "ez_norm initializer=(xavier_normal)"


def test_nested_with_args():
    spec = parse_layer("conv 64 initializer=(normal 0 0.02)")
    init = spec.option("initializer")
    assert init == LayerSpec("normal", (0, 0.02))


def test_size_order_is_whc():
    assert Size((10, 8, 256)).as_chw() == (256, 8, 10)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "empty layer string"),
        ("conv 64 (x", "never closed"),
        ("conv 64 strid=", "unexpected end"),
        ("conv ) 3", "unexpected ')'"),
        ("conv 64 stride=2 stride=3", "given twice"),
        ("64 conv", "not a layer name"),
        ("conv 64 ()", "empty '( )'"),
        ("= conv", "expected a layer name"),
    ],
)
def test_exception(text, needle):
    with pytest.raises(ConfigError) as err:
        parse_layer(text, "generator.layers[3]")
    msg = str(err.value)
    assert msg.startswith("generator.layers[3]: ") and needle in msg
    assert f'"{text}"' in msg


def test_exception_names_column():
    with pytest.raises(ConfigError, match="column 6"):
        parse_layer("conv ) 3", "g")


def test_non_string():
    with pytest.raises(ConfigError, match="must be a string"):
        parse_layer(64, "generator.layers[0]")  # type: ignore[arg-type]


def test_code_is_rejected_not_run(tmp_path):
    marker = tmp_path / "ran"
    with pytest.raises(ConfigError):
        parse_layer(f"conv __import__('pathlib').Path('{marker}').touch()")
    assert not marker.exists()
