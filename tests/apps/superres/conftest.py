"""Fixtures for the upscaler's tests: a tiny x2 config (fast on 2 CPU cores) and a random generator."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tests.helpers import random_generator

TINY = {
    "task": {"type": "superres", "scale": 2},
    "generator": {
        "input": "condition",
        "layers": ["conv 8 name=h", "relu", "conv 8", "add h", "resize_conv 8", "lrelu", "conv 3"],
    },
    "discriminator": {
        "input": "input",
        "layers": ["conv 8 filter=4 stride=2", "lrelu", "conv 16 filter=4 stride=2", "lrelu", "conv 1 filter=3"],
    },
    "loss": {"type": "least_squares"},
    "reconstruction": {"type": "l1", "weight": 10},
    "latent": {"type": "gaussian", "dim": 0},
    "trainer": {"type": "alternating"},
    "data": {"size": 32, "batch": 4, "workers": 0},
    "train": {"steps": 2, "log_every": 1, "sample_every": 2, "checkpoint_every": 2, "seed": 0},
}
PAD = 6  # LR pixels: more than the tiny generator's receptive field (about 3) plus bicubic's reach (2)


@pytest.fixture
def sr_dict() -> dict:
    """A fresh, mutable copy of the tiny superres config as parsed JSON."""
    return copy.deepcopy(TINY)


@pytest.fixture
def sr_config_file(tmp_path, sr_dict) -> Path:
    path = tmp_path / "tiny-sr.json"
    path.write_text(json.dumps(sr_dict))
    return path


@pytest.fixture
def tiny_generator(sr_dict):
    """``(task, generator, config)``: the tiny x2 generator, randomly initialised (non-trivial output)."""
    return random_generator(sr_dict)


@pytest.fixture
def upscaler(tiny_generator):
    """An ``Upscaler`` with 16-px tiles around the tiny random generator."""
    from apps.superres.infer import Upscaler

    return Upscaler(*tiny_generator, tile=16, pad=PAD)
