"""Fixtures for the core's tests: a tiny 2-D (toy2d) config, fast enough for every trainer on 2 CPU cores."""

from __future__ import annotations

import copy

import pytest

TOY = {
    "task": {"type": "toy2d", "dataset": "ring"},
    "generator": {"input": "latent", "layers": ["linear 16", "relu", "linear 2"]},
    "discriminator": {"input": "input", "layers": ["linear 16", "relu", "linear 1"]},
    "latent": {"type": "gaussian", "dim": 2},
    "loss": {"type": "standard"},
    "trainer": {"type": "alternating", "g_learn_rate": 0.01, "d_learn_rate": 0.01},
    "data": {"batch": 32, "workers": 0},
    "train": {"steps": 4, "log_every": 2, "seed": 0},
}


def toy_config_dict() -> dict:
    """A fresh, mutable copy of the tiny toy2d config as parsed JSON."""
    return copy.deepcopy(TOY)


@pytest.fixture
def toy_dict() -> dict:
    return toy_config_dict()
