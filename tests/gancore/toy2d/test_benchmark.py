"""The issue's proof on CPU: three losses each cover all 8 ring modes with >= 80% high-quality samples,
and a broken setting (learning rate 0) is measured as failing, so the measure itself can fail.

Fixed seeds; each run trains the shipped config in ``configs/toy2d`` for its ``train.steps``
(1200 or 1800 steps of tiny MLPs, a few seconds each on an idle core).
"""

from __future__ import annotations

import pytest
import torch

from gancore.config import config_from_dict, config_to_dict, load_config
from gancore.toy2d.run import train_toy

from ...conftest import ROOT


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny MLPs: one thread is fastest and deterministic
    yield
    torch.set_num_threads(threads)


@pytest.mark.parametrize("name", ["standard", "wgan_gp", "hinge"])
def test_reaches_all_modes_with_quality(name):
    cfg = load_config(ROOT / "configs" / "toy2d" / f"{name}.json")
    assert cfg.trainer.type == "alternating"
    run = train_toy(cfg)
    m = run.measure
    assert not run.diverged
    assert (m.modes, m.modes_total) == (8, 8), m
    assert m.quality >= 0.8, m
    assert m.passed()


def test_a_broken_setting_is_measured_as_failing():
    d = config_to_dict(load_config(ROOT / "configs" / "toy2d" / "standard.json"))
    d["trainer"].update(g_learn_rate=0.0, d_learn_rate=0.0)
    run = train_toy(config_from_dict(d), steps=200)
    assert not run.measure.passed()
    assert run.measure.quality < 0.2 and run.measure.nn_acc_fake > 0.9  # untrained G: off the ring, separable
