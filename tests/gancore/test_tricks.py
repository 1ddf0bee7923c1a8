"""Each trick has a measurable effect: labels in range, noise annealed, mixed batches, init, DiffAugment, EMA."""

from __future__ import annotations

import pytest
import torch

from gancore.config import config_from_dict
from gancore.errors import ConfigError
from gancore.gan import build_gan
from gancore.tricks import Tricks, TricksConfig, dcgan_init, diff_augment
from gancore.tricks.labels import make_labels
from gancore.tricks.noise import annealed_sigma


def tricks(**kw) -> TricksConfig:
    return TricksConfig(**kw)


D_OUT = torch.zeros(4000, 1)


def test_one_sided_label_smoothing():
    labels = make_labels(tricks(label_smoothing=0.1), D_OUT, D_OUT)
    assert torch.allclose(labels.real, torch.tensor(0.9)) and torch.all(labels.fake == 0)
    assert labels.real.shape == (4000, 1)


def test_random_label_ranges_stay_in_range_and_spread():
    labels = make_labels(tricks(real_label_range=(0.7, 1.2), fake_label_range=(0.0, 0.3)), D_OUT, D_OUT)
    assert labels.real.min() >= 0.7 and labels.real.max() <= 1.2 and labels.real.std() > 0.1
    assert labels.fake.min() >= 0.0 and labels.fake.max() <= 0.3 and labels.fake.std() > 0.05


def test_noisy_labels_flip_at_the_asked_rate():
    torch.manual_seed(0)
    labels = make_labels(tricks(flip_labels=0.05), D_OUT, D_OUT)
    assert set(labels.real.unique().tolist()) == {0.0, 1.0}
    assert 0.035 < (labels.real == 0).float().mean() < 0.065
    assert 0.035 < (labels.fake == 1).float().mean() < 0.065


def test_labels_reach_the_d_loss(toy_dict):
    toy_dict["tricks"] = {"label_smoothing": 0.5}
    smooth = config_from_dict(toy_dict)
    plain = config_from_dict({**toy_dict, "tricks": {}})
    torch.manual_seed(0)
    real = build_gan(plain).task.sample(64)
    losses = []
    for cfg in (plain, smooth):
        torch.manual_seed(1)
        gan = build_gan(cfg)
        losses.append(cfg.trainer.build(gan).d_step(gan.task.condition(real))["d_loss"].item())
    assert losses[0] != pytest.approx(losses[1])


def test_label_tricks_need_a_loss_with_labels(toy_dict):
    toy_dict.update(loss={"type": "wasserstein"}, tricks={"flip_labels": 0.1})
    cfg = config_from_dict(toy_dict)
    with pytest.raises(ConfigError, match="labels"):
        cfg.trainer.build(build_gan(cfg))


def test_trick_values_are_checked():
    for bad, where in (
        ({"flip_labels": 2}, "flip_labels"),
        ({"real_label_range": [1.2, 0.7]}, "real_label_range"),
        ({"ema": 1.5}, "ema"),
        ({"d_batches": "both"}, "d_batches"),
    ):
        with pytest.raises(ConfigError, match=where):
            config_from_dict({**_toy(), "tricks": bad})


def _toy():
    from tests.gancore.conftest import toy_config_dict

    return toy_config_dict()


def test_instance_noise_variance_is_annealed():
    t = Tricks(tricks(real_noise_sigma=0.4, fake_noise_sigma=0.2, noise_anneal_steps=100))
    x = torch.zeros(20000, 2)
    stds = [t.judged(x, "real", step).std().item() for step in (0, 50, 100, 150)]
    assert stds[0] == pytest.approx(0.4, rel=0.05) and stds[1] == pytest.approx(0.2, rel=0.05)
    assert stds[2] == stds[3] == 0.0
    assert t.judged(x, "fake", 0).std().item() == pytest.approx(0.2, rel=0.05)
    assert annealed_sigma(-1, 0, 0) == 0.0  # GAGA's -1 means none
    assert annealed_sigma(0.3, 10**6, 0) == 0.3  # no annealing: constant


def test_gaga_names_are_accepted():
    cfg = config_from_dict({**_toy(), "tricks": {"r_instance_noise_sigma": 0.1, "f_instance_noise_sigma": -1}})
    assert cfg.tricks.real_noise_sigma == 0.1 and Tricks(cfg.tricks).sigma("fake", 0) == 0.0


class CountingD(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net, self.batches = net, []

    def forward(self, inputs):
        self.batches.append(inputs["input"].shape[0])
        return self.net(inputs)


@pytest.mark.parametrize("mode, want", [("separate", [16, 16]), ("mixed", [32])])
def test_separate_or_mixed_d_batches(toy_dict, mode, want):
    toy_dict["tricks"] = {"d_batches": mode}
    cfg = config_from_dict(toy_dict)
    gan = build_gan(cfg)
    trainer = cfg.trainer.build(gan)
    gan.discriminator = CountingD(gan.discriminator)
    trainer.d_step(gan.task.condition(gan.task.sample(16)))
    assert gan.discriminator.batches == want


def test_gaussian_versus_uniform_latent(toy_dict):
    toy_dict["latent"] = {"type": "uniform", "dim": 2, "min": -1, "max": 1}
    uni = build_gan(config_from_dict(toy_dict)).latent.sample(5000)
    toy_dict["latent"] = {"type": "gaussian", "dim": 2}
    gau = build_gan(config_from_dict(toy_dict)).latent.sample(5000)
    assert uni.abs().max() <= 1 and gau.abs().max() > 2.5
    assert gau.std().item() == pytest.approx(1.0, abs=0.05) and uni.std().item() == pytest.approx(3**-0.5, abs=0.03)


def test_dcgan_init(toy_dict):
    toy_dict["generator"]["layers"] = ["linear 512", "relu", "linear 2"]
    toy_dict["tricks"] = {"init": "dcgan"}
    gan = build_gan(config_from_dict(toy_dict))
    weights = [m.weight for m in gan.generator.modules() if isinstance(m, torch.nn.Linear)]
    biases = [m.bias for m in gan.generator.modules() if isinstance(m, torch.nn.Linear)]
    assert weights[0].std().item() == pytest.approx(0.02, rel=0.1) and weights[0].mean().abs() < 0.005
    assert all(torch.all(b == 0) for b in biases)
    bn = torch.nn.BatchNorm2d(256)
    dcgan_init(bn)
    assert bn.weight.mean().item() == pytest.approx(1.0, abs=0.01) and bn.weight.std().item() == pytest.approx(
        0.02, rel=0.3
    )


def test_diff_augment_ops():
    torch.manual_seed(0)
    x = torch.rand(8, 3, 16, 16) * 2 - 1
    assert diff_augment(x, []) is x
    for policy in (["color"], ["translation"], ["cutout"], ["color", "translation", "cutout"]):
        y = diff_augment(x, policy)
        assert y.shape == x.shape and not torch.equal(y, x)
    cut = diff_augment(x, ["cutout"])
    zeros = (cut == 0).all(1).flatten(1).float().mean(1)  # share of each image cut out
    assert torch.all(zeros > 0.1) and torch.all(zeros <= 0.25 + 1e-6)
    shifted = diff_augment(torch.ones(4, 1, 8, 8), ["translation"])
    assert set(shifted.unique().tolist()) <= {0.0, 1.0}  # pixels move; the border fills with zeros
    x.requires_grad_(True)
    diff_augment(x, ["color", "translation", "cutout"]).sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0  # differentiable: G gets gradients through it


def test_augment_needs_images(toy_dict):
    toy_dict["tricks"] = {"augment": ["translation"]}
    cfg = config_from_dict(toy_dict)
    with pytest.raises(ConfigError, match="augment"):
        cfg.trainer.build(build_gan(cfg))


def test_augment_applies_to_real_and_fake_d_inputs():
    t = Tricks(tricks(augment=("cutout",)))
    x = torch.ones(4, 3, 8, 8)
    assert (t.judged(x, "real", 0) == 0).any() and (t.judged(x, "fake", 0) == 0).any()


def test_ema_lags_the_live_generator(toy_dict):
    toy_dict["tricks"] = {"ema": 0.9}
    cfg = config_from_dict(toy_dict)
    torch.manual_seed(0)
    gan = build_gan(cfg)
    trainer = cfg.trainer.build(gan)
    start = [p.detach().clone() for p in gan.generator.parameters()]
    for _ in range(5):
        trainer.step(gan.task.sample(32))
    for s, live, ema in zip(start, gan.generator.parameters(), gan.ema.parameters()):
        moved, lag = (live - s).norm(), (ema - s).norm()
        assert 0 < lag < moved  # the average moved less than the live weights
    assert not any(p.requires_grad for p in gan.ema.parameters())
    assert gan.inference_generator is gan.ema
    z = torch.randn(3, 2)
    empty = torch.zeros(3, 0)
    assert torch.equal(gan.generate(empty, latent=z, ema=True), gan.ema({"condition": empty, "latent": z}))


def test_ema_start_copies_until_then(toy_dict):
    toy_dict["tricks"] = {"ema": 0.99, "ema_start": 100}
    cfg = config_from_dict(toy_dict)
    gan = build_gan(cfg)
    trainer = cfg.trainer.build(gan)
    trainer.step(gan.task.sample(32))
    for live, ema in zip(gan.generator.parameters(), gan.ema.parameters()):
        assert torch.equal(live, ema)


def test_region_labels_call_a_patch_of_known_pixels_real():
    from gancore.losses.base import Labels
    from gancore.tricks.labels import region_labels, region_share

    d = torch.zeros(2, 1, 4, 4)
    region = torch.zeros(2, 1, 16, 16)
    region[:, :, :, :8] = 1  # the left half was generated
    region[1, :, :4, 8:12] = 1  # and one more 4 x 4 patch of the second picture, its 4 x 4 cell in full
    lab = region_labels(None, region_share(region, d), d, d)
    assert lab.real.item() == 1.0
    assert torch.equal(lab.fake[0, 0, :, :2], torch.zeros(4, 2))
    assert torch.equal(lab.fake[0, 0, :, 2:], torch.ones(4, 2))
    assert lab.fake[1, 0, 0, 2].item() == 0.0 and lab.fake[1, 0, 1, 2].item() == 1.0
    half = torch.zeros(1, 1, 16, 16)
    half[..., :2, :] = 1  # half of the top row of cells
    assert region_labels(None, region_share(half, d[:1]), d[:1], d[:1]).fake[0, 0, 0, 0].item() == pytest.approx(0.5)
    smoothed = Labels(torch.full((2, 1, 1, 1), 0.9), torch.full((2, 1, 1, 1), 0.1))  # the tricks' labels
    lab = region_labels(smoothed, region_share(region, d), d, d)
    assert lab.fake[0, 0, 0, 0].item() == pytest.approx(0.1) and lab.fake[0, 0, 0, 3].item() == pytest.approx(0.9)
    per_sample = region_labels(
        None, region_share(region, torch.zeros(2, 1)), torch.zeros(2, 1), torch.zeros(2, 1)
    )  # one output a picture
    assert per_sample.fake[0, 0].item() == pytest.approx(0.5)
