"""Exact resume for every app's default config: train N, resume to 2N, and every tensor of the final
checkpoint (weights, buffers, optimizer state, RNG) equals a straight 2N run's, with DataLoader
workers on. The defaults draw random numbers in the step (the colorizer's dropout, the inpainter's
masks), so a resume that shifted the random stream would fail here."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from gancore.config import load_config
from gancore.engine import train
from gancore.engine.checkpoint import read
from tests.helpers import ROOT


def tiny_default(app: str):
    cfg = load_config(ROOT / "configs" / f"{app}.json")
    cfg = cfg.replace("data", size=32, batch=2, workers=1, cache=False)
    cfg = cfg.replace("train", steps=4, log_every=1, sample_every=3, checkpoint_every=2, keep_checkpoints=5)
    if cfg.trainer.options.pretrain_steps:  # the upscaler: one pixel-only step, then GAN steps
        options = dataclasses.replace(cfg.trainer.options, pretrain_steps=1)
        cfg = dataclasses.replace(cfg, trainer=dataclasses.replace(cfg.trainer, options=options))
    return cfg


@pytest.mark.parametrize("app", ["colorizer", "inpainter", "superres"])
def test_resume_is_bit_exact_for_the_default_config(tmp_path, small_photos, app):
    cfg = tiny_default(app)
    straight = train(cfg, small_photos, tmp_path / "straight", progress=False)
    train(cfg.replace("train", steps=2), small_photos, tmp_path / "resumed", progress=False)
    resumed = train(cfg, small_photos, tmp_path / "resumed", resume=True, progress=False)
    (a, meta_a), (b, meta_b) = read(straight.checkpoint), read(resumed.checkpoint)
    assert a.keys() == b.keys()
    different = [k for k in a if not torch.equal(a[k], b[k])]
    assert not different, f"differ after resume: {different[:5]}"
    assert meta_a["rng"] == meta_b["rng"] and meta_a["optim"] == meta_b["optim"]
