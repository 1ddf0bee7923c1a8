"""Precision, memory format and compilation settings: validation, resolution per device, a bf16 step on CPU."""

from __future__ import annotations

import math

import pytest
import torch

from gancore.config import config_from_dict
from gancore.engine import train
from gancore.engine.speed import Speed, cpu_has_bf16, resolve_speed
from gancore.errors import ConfigError
from gancore.gan import build_gan
from tests.helpers import log_ticks

CPU = torch.device("cpu")


@pytest.mark.parametrize(
    ("section", "key", "value"),
    [
        ("train", "precision", "fp16"),
        ("train", "channels_last", "yes"),
        ("train", "compile", "fastest"),
        ("train", "compile", 1),
        ("data", "cache", "sometimes"),
    ],
)
def test_exception_names_the_path(tiny_dict, section, key, value):
    tiny_dict[section][key] = value
    with pytest.raises(ConfigError, match=rf"^{section}\.{key}: expected .*got {value!r}"):
        config_from_dict(tiny_dict)


AUTO = torch.bfloat16 if cpu_has_bf16() else None  # what "auto" precision is on this machine's CPU


def test_defaults_resolve_to_contiguous_eager_on_cpu_bf16_where_it_has_the_instructions(tiny_config):
    assert (tiny_config.train.precision, tiny_config.train.channels_last, tiny_config.train.compile) == (
        "auto",
        "auto",
        False,
    )
    assert tiny_config.data.cache == "auto"
    assert resolve_speed(tiny_config.train, CPU) == Speed("cpu", AUTO, False, None)


def test_cpu_bf16_probe_matches_the_cpu_flags():
    """torch's probe against the kernel's own list of the CPU's instructions."""
    from pathlib import Path

    info = Path("/proc/cpuinfo")
    if not info.is_file():  # not Linux: the probe is torch's word alone
        return
    flags = set(info.read_text().split())
    assert cpu_has_bf16() == bool({"avx512_bf16", "amx_bf16"} & flags)


@pytest.mark.parametrize(
    ("settings", "want"),
    [
        ({"precision": "bf16"}, Speed("cpu", torch.bfloat16, False, None)),
        ({"precision": "fp32", "channels_last": True}, Speed("cpu", None, True, None)),
        ({"compile": True}, Speed("cpu", AUTO, False, "default")),
        ({"compile": "max-autotune", "precision": "fp32"}, Speed("cpu", None, False, "max-autotune")),
    ],
)
def test_resolve(tiny_dict, settings, want):
    tiny_dict["train"].update(settings)
    cfg = config_from_dict(tiny_dict)
    assert resolve_speed(cfg.train, CPU) == want


def one_step(cfg, real):
    torch.manual_seed(0)
    gan = build_gan(cfg)
    trainer = cfg.trainer.build(gan)
    speed = resolve_speed(cfg.train, CPU)
    speed.prepare(gan)
    with speed.autocast():
        logs = trainer.step(speed.batch(real))
    return {k: float(v) for k, v in logs.items()}, gan


def test_bf16_step_on_cpu_is_close_to_fp32(tiny_dict):
    """bf16 autocast + channels-last on CPU: the step runs, losses finite and within a few % of fp32."""
    torch.manual_seed(1)
    real = torch.rand(4, 3, 32, 32) * 2 - 1
    tiny_dict["penalty"] = {"type": "r1", "weight": 1}  # a double-backward term under autocast too
    fp32, _ = one_step(config_from_dict(tiny_dict), real)
    tiny_dict["train"].update(precision="bf16", channels_last=True)
    bf16, gan = one_step(config_from_dict(tiny_dict), real)
    assert fp32.keys() == bf16.keys() and "penalty_r1" in bf16
    for k in fp32:
        assert math.isfinite(bf16[k])
        assert bf16[k] == pytest.approx(fp32[k], rel=0.05, abs=0.01), k
    # weights stay fp32 (autocast casts per op); channels-last applies to the 4-D ones
    params = list(gan.generator.parameters())
    assert all(p.dtype == torch.float32 for p in params)
    assert all(p.is_contiguous(memory_format=torch.channels_last) for p in params if p.dim() == 4)


def test_engine_trains_in_bf16_on_cpu(tmp_path, tiny_dict, small_photos):
    tiny_dict["train"].update(precision="bf16", channels_last=True, steps=2)
    result = train(config_from_dict(tiny_dict), small_photos, tmp_path / "run", progress=False)
    (line,) = log_ticks(tmp_path / "run")
    assert result.step == 2 and all(math.isfinite(v) for v in line.values())


def test_compile_keeps_the_modules_and_their_state_dict_keys(tiny_config, monkeypatch):
    """``compile`` wraps G's and D's forward; the eager backend stands in for inductor (minutes on CPU)."""
    modes = []
    original = torch.nn.Module.compile

    def eager_compile(self, *args, **kwargs):
        modes.append(kwargs.get("mode"))
        return original(self, backend="eager")

    monkeypatch.setattr(torch.nn.Module, "compile", eager_compile)
    torch.manual_seed(0)
    gan = build_gan(tiny_config)
    g, d = gan.generator, gan.discriminator
    keys = (list(g.state_dict()), list(d.state_dict()))
    x = torch.rand(2, 1, 32, 32)
    want = g({"condition": x})
    Speed("cpu", None, False, "max-autotune").prepare(gan)
    assert modes == ["max-autotune", "max-autotune"]
    assert gan.generator is g and (list(g.state_dict()), list(d.state_dict())) == keys
    assert torch.allclose(g({"condition": x}), want)
