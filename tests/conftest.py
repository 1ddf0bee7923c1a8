"""Shared fixtures: a tiny colorizer config (fast on 2 CPU cores) and small copies of real photos."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from PIL import Image

from tests.helpers import ROOT

PHOTOS = ROOT / "assets" / "photos"

TINY = {
    "task": {"type": "colorizer"},
    "generator": {
        "input": "condition",
        "layers": [
            "conv 8 filter=4 stride=2",
            "lrelu name=e1",
            "conv 16 filter=4 stride=2",
            "batch_norm",
            "lrelu",
            "deconv 8",
            "batch_norm",
            "relu",
            "cat e1",
            "deconv 2",
            "tanh",
        ],
    },
    "discriminator": {
        "input": "input",
        "layers": ["conv 8 filter=4 stride=2", "lrelu", "conv 16 filter=4 stride=2", "lrelu", "conv 1 filter=3"],
    },
    "loss": {"type": "least_squares"},
    "reconstruction": {"type": "l1", "weight": 10},
    "trainer": {"type": "alternating"},
    "data": {"size": 32, "batch": 4, "workers": 0},
    "train": {"steps": 4, "log_every": 2, "sample_every": 2, "checkpoint_every": 2, "seed": 0},
}


@pytest.fixture
def tiny_dict() -> dict:
    """A fresh, mutable copy of the tiny config as parsed JSON."""
    return copy.deepcopy(TINY)


@pytest.fixture
def tiny_config(tiny_dict):
    from gancore.config import config_from_dict

    return config_from_dict(tiny_dict)


@pytest.fixture
def tiny_config_file(tmp_path, tiny_dict) -> Path:
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(tiny_dict))
    return path


@pytest.fixture(scope="session")
def small_photos(tmp_path_factory) -> Path:
    """Six of the bundled photos, downscaled to 96 px on the long side, in a nested folder tree."""
    root = tmp_path_factory.mktemp("photos")
    for i, src in enumerate(sorted(PHOTOS.glob("*.jpg"))[:6]):
        img = Image.open(src).convert("RGB")
        img.thumbnail((96, 96))
        sub = root / ("nested/deeper" if i % 3 == 2 else "nested" if i % 3 == 1 else "")
        sub.mkdir(parents=True, exist_ok=True)
        img.save(sub / f"{src.stem}.{'png' if i % 2 else 'jpg'}")
    return root
