"""Every shipped config (``configs/*.json``) builds, shows, round-trips and trains one step."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from gancore.config import config_to_dict, load_config, save_config
from gancore.gan import build_gan
from gancore.inspect import describe

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = sorted((ROOT / "configs").glob("*.json"))
NOTABLE = ["dcgan", "pix2pix-unet256", "resnet9", "stylegan-adain"]


@pytest.fixture(autouse=True)
def one_thread():
    """One intra-op thread: on a busy 2-core machine two threads mostly wait for each other."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_the_notable_architectures_are_shipped():
    assert {p.stem for p in CONFIGS} >= {"colorizer", *NOTABLE}


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.stem)
def test_builds_and_trains_one_step(path):
    cfg = load_config(path).replace("data", batch=2)
    torch.manual_seed(0)
    gan = build_gan(cfg)
    shapes = gan.task.shapes(cfg.data.size)
    assert gan.generator.out_shape == shapes.get("output", shapes["target"])  # G's own form (e.g. bins' logits)
    trainer = cfg.trainer.build(gan)
    before = {k: v.detach().clone() for k, v in gan.generator.named_parameters()}
    size = cfg.data.size
    logs = trainer.step(torch.rand(2, 3, size, size) * 2 - 1)
    assert logs and all(torch.isfinite(v).all() for v in logs.values())
    moved = [k for k, v in gan.generator.named_parameters() if not torch.equal(before[k], v)]
    assert moved, "one step must move the generator"


@pytest.mark.parametrize("name", NOTABLE)
def test_show_and_round_trip(tmp_path, name):
    cfg = load_config(ROOT / "configs" / f"{name}.json")
    table = describe(cfg)
    assert table.count("total") == 2 and f"size {cfg.data.size}" in table
    save_config(cfg, tmp_path / "c.json")
    again = load_config(tmp_path / "c.json")
    assert (
        again == cfg and config_to_dict(again)["generator"]["defaults"] == config_to_dict(cfg)["generator"]["defaults"]
    )


def test_dcgan_follows_the_seven_practices():
    gan = build_gan(load_config(ROOT / "configs" / "dcgan.json"))
    g, d = gan.generator, gan.discriminator
    convs = [m for m in d.modules() if isinstance(m, torch.nn.Conv2d)]
    assert all(m.stride == (2, 2) for m in convs[:-1]), "strided convolutions, no pooling, in D"
    assert not any(isinstance(m, (torch.nn.MaxPool2d, torch.nn.AvgPool2d)) for m in d.modules())
    assert sum(isinstance(m, torch.nn.ConvTranspose2d) for m in g.modules()) >= 4, "transposed convolutions in G"
    assert {m.negative_slope for m in d.modules() if isinstance(m, torch.nn.LeakyReLU)} == {0.2}
    assert any(isinstance(m, torch.nn.BatchNorm2d) for m in g.modules()) and any(
        isinstance(m, torch.nn.BatchNorm2d) for m in d.modules()
    )
    for m in (*convs, *(m for m in g.modules() if isinstance(m, torch.nn.ConvTranspose2d))):
        if m.weight.numel() > 1000:
            assert abs(m.weight.std().item() - 0.02) < 0.003, "N(0, 0.02) weights"
    assert isinstance(g.layers[-1], torch.nn.Tanh)


def test_pix2pix_unet256_and_70x70_patchgan():
    gan = build_gan(load_config(ROOT / "configs" / "pix2pix-unet256.json"))
    g_rows, d_rows = gan.generator.rows, gan.discriminator.rows
    assert min(r.shape[1] for r in g_rows if len(r.shape) == 3) == 1, "eight levels: 256 down to 1x1"
    assert sum(r.source.startswith("cat e") for r in g_rows) == 7, "a skip at every level"
    assert d_rows[-1].shape == (1, 30, 30), "the 70x70 PatchGAN's 30x30 logits at 256x256"


def test_resnet9_has_nine_blocks():
    gan = build_gan(load_config(ROOT / "configs" / "resnet9.json"))
    blocks = [r for r in gan.generator.rows if r.source.startswith("residual 9")]
    assert len(blocks) == 1 and len(gan.generator.layers[blocks[0].index]) == 9
