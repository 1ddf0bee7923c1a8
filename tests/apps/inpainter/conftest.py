"""Fixtures for the inpainter's tests: a tiny config (fast on 2 CPU cores) and a random generator."""

from __future__ import annotations

import copy

import pytest

from tests.helpers import random_generator

TINY = {
    "task": {"type": "inpainter", "masks": {"type": "mix", "coverage": [0.1, 0.3]}},
    "generator": {
        "input": "condition",
        "layers": [
            "conv 8 filter=4 stride=2", "lrelu name=e1",
            "conv 16 filter=4 stride=2", "lrelu",
            "deconv 8", "relu", "cat e1",
            "deconv 8", "relu", "cat condition",
            "conv 3", "tanh",
        ],
    },
    "discriminator": {
        "input": "input",
        "layers": [
            "conv 8 filter=4 stride=2", "lrelu name=f1",
            "conv 16 filter=4 stride=2", "lrelu name=f2",
            "conv 1 filter=3",
        ],
    },
    "loss": {"type": "least_squares"},
    "reconstruction": {"type": "masked_l1", "hole_weight": 6, "known_weight": 1},
    "latent": {"type": "gaussian", "dim": 0},
    "trainer": {"type": "alternating", "feature_matching": 1.0},
    "data": {"size": 32, "batch": 4, "workers": 0},
    "train": {"steps": 2, "log_every": 1, "sample_every": 2, "checkpoint_every": 2, "seed": 0},
}  # fmt: skip


@pytest.fixture
def inp_dict() -> dict:
    """A fresh, mutable copy of the tiny inpainter config as parsed JSON."""
    return copy.deepcopy(TINY)


@pytest.fixture
def tiny_generator(inp_dict):
    """``(task, generator, config)``: the tiny generator, randomly initialised, in eval mode."""
    return random_generator(inp_dict)
