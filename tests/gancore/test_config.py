"""Config loading: typed frozen dataclasses; unknown keys and wrong types name the JSON path."""

from __future__ import annotations

import dataclasses
import json

import pytest

from gancore.config import config_from_dict, config_to_dict, load_config, save_config
from gancore.errors import ConfigError, UserError
from gancore.gan import build_gan


def test_defaults_filled_and_frozen(tiny_config):
    t = tiny_config.trainer.options
    assert (t.g_learn_rate, t.g_beta1, t.d_learn_rate, t.d_beta1) == (2e-4, 0.5, 2e-4, 0.5)
    assert tiny_config.loss.options.labels == (0.0, 1.0, 1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        tiny_config.data.size = 64  # type: ignore[misc]


def test_round_trip(tmp_path, tiny_config):
    save_config(tiny_config, tmp_path / "c.json")
    assert load_config(tmp_path / "c.json") == tiny_config
    assert config_to_dict(tiny_config)["trainer"]["g_learn_rate"] == 2e-4


@pytest.mark.parametrize(
    ("edit", "path", "needle"),
    [
        (lambda d: d.update(trainr={}), "trainr", "unknown key 'trainr'"),
        (lambda d: d["data"].update(size="big"), "data.size", "expected an integer, got 'big'"),
        (lambda d: d["data"].update(batch=True), "data.batch", "expected an integer"),
        (lambda d: d["trainer"].update(g_learn_rate=[1]), "trainer.g_learn_rate", "expected a number"),
        (lambda d: d["trainer"].update(g_lr=1), "trainer.g_lr", "unknown key 'g_lr'"),
        (lambda d: d["loss"].update(type="least_square"), "loss.type", "unknown loss 'least_square' (valid: "),
        (lambda d: d["loss"].update(labels=[0, 1]), "loss.labels", "a list of 3 values"),
        (lambda d: d["generator"].pop("layers"), "generator.layers", "is required"),
        (lambda d: d["generator"].update(layers="conv 3"), "generator.layers", "expected a list"),
        (lambda d: d["data"].update(size=0), "data.size", "at least 1"),
        (lambda d: d["task"].update(type="painter"), "task.type", "unknown task 'painter'"),
    ],
)
def test_exception(tiny_dict, edit, path, needle):
    edit(tiny_dict)
    with pytest.raises(ConfigError) as err:
        config_from_dict(tiny_dict)
    assert err.value.path == path and needle in str(err.value)


def test_seed_aliases_and_comments(tiny_dict):
    tiny_dict["trainer"].update({"d_learning_rate": 1e-4, "d_nb_update": 2, "#": "GAGA-style comment"})
    cfg = config_from_dict(tiny_dict)
    assert cfg.trainer.options.d_learn_rate == 1e-4 and cfg.trainer.options.d_nb_update == 2


def test_layer_error_names_path(tiny_dict):
    tiny_dict["generator"]["layers"][2] = "conv 16 filter=4 strid=2"
    with pytest.raises(ConfigError) as err:
        build_gan(config_from_dict(tiny_dict))
    assert str(err.value).startswith("generator.layers[2]: \"conv 16 filter=4 strid=2\": unknown option 'strid'")


def test_generator_output_must_fit_task(tiny_dict):
    tiny_dict["generator"]["layers"][-2] = "deconv 3"
    with pytest.raises(ConfigError, match=r"generator.layers: the generator ends with shape \(3, 32, 32\)"):
        build_gan(config_from_dict(tiny_dict))


def test_file_errors(tmp_path):
    with pytest.raises(UserError, match="config file not found"):
        load_config(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"task": ')
    with pytest.raises(UserError, match="not valid JSON"):
        load_config(bad)


def test_shipped_configs_build():
    from pathlib import Path

    for path in sorted(Path("configs").glob("*.json")):
        cfg = load_config(path)
        gan = build_gan(cfg)
        shapes = gan.task.shapes(cfg.data.size)
        assert gan.generator.out_shape == shapes.get("output", shapes["target"]), path
        json.dumps(config_to_dict(cfg))
