"""Classification over bins (``gancore/losses/bins.py``): the read-out's temperature runs from the mean
to the mode; the loss's gradient moves a gray prediction toward the true colour's bin; rare colours
weigh more with a prior; a trained-from model's last layer may become a bins head."""

from __future__ import annotations

import copy

import pytest
import torch

from gancore.config.components import ReconstructionConfig
from gancore.errors import ConfigError
from gancore.losses.bins import SoftBins, annealed_mean, grid, nearest, side


def test_the_grid_spans_minus_one_to_one_row_major():
    centres = grid(3)
    assert centres.shape == (9, 2)
    assert centres[0].tolist() == [-1, -1] and centres[1].tolist() == [-1, 0] and centres[8].tolist() == [1, 1]
    assert side(529) == 23
    with pytest.raises(ValueError):
        side(10)


def test_the_read_out_is_the_mean_at_one_and_the_mode_near_zero():
    logits = torch.full((1, 9, 1, 1), -20.0)
    logits[0, 8] = 1.0  # the likeliest: (1, 1)
    logits[0, 0] = 0.5  # the next: (-1, -1)
    p = torch.softmax(logits[0, :, 0, 0], dim=0)
    mean = (p[:, None] * grid(3)).sum(dim=0)
    assert torch.allclose(annealed_mean(logits, 1.0)[0, :, 0, 0], mean, atol=1e-6)
    assert torch.allclose(annealed_mean(logits, 0.01)[0, :, 0, 0], torch.tensor([1.0, 1.0]), atol=1e-4)
    low, high = annealed_mean(logits, 0.38), annealed_mean(logits, 1.0)
    assert low.abs().mean() > high.abs().mean(), "a lower temperature is more vivid"


def test_nearest_bins_are_the_closest_centres():
    target = torch.tensor([0.49, -0.02]).view(1, 2, 1, 1)  # grid(5): centres every 0.5
    index, d2 = nearest(target, 5, 3)
    centres = grid(5)[index[0, :, 0, 0]]
    assert centres[0].tolist() == [0.5, 0.0]
    assert (d2[0, :, 0, 0].diff() >= 0).all(), "sorted by distance"


def test_the_gradient_moves_a_gray_prediction_toward_the_true_colours_bin():
    loss = SoftBins(SoftBins.Options(k=5, sigma=0.5))
    logits = torch.zeros(1, 25, 1, 1, requires_grad=True)  # uniform: the read-out is gray (0, 0)
    target = torch.tensor([0.5, -0.5]).view(1, 2, 1, 1)
    out = annealed_mean(logits, 0.38)
    assert out.abs().max() < 1e-6
    loss(out, target, logits).backward()
    true_bin = 3 * 5 + 1  # a = 0.5 -> row 3, b = -0.5 -> column 1
    with torch.no_grad():
        step = logits - 1.0 * logits.grad
        moved = annealed_mean(step, 0.38)[0, :, 0, 0]
    assert logits.grad[0, true_bin].mean() < 0 and logits.grad[0, 0].mean() > 0
    assert moved[0] > 0.05 and moved[1] < -0.05, moved


def test_rare_colours_weigh_more_with_a_prior():
    prior = [1.0] * 8 + [0.01]  # the last bin is rare
    loss = SoftBins(SoftBins.Options(prior=tuple(prior), rebalance=0.5))
    w = loss.weights(9, "cpu")
    assert w[8] > 2 * w[0]  # bounded by the uniform share: 1 / (lambda / Q) at most
    p = torch.tensor(prior) / sum(prior)
    assert torch.isclose((p * w).sum(), torch.tensor(1.0))
    with pytest.raises(ConfigError, match="frequencies for 25 bins"):
        loss.weights(25, "cpu")


def test_the_loss_is_in_the_registry_with_its_options():
    built = ReconstructionConfig.from_json({"type": "soft_bins", "k": 3, "l1_weight": 2}, "reconstruction").build()
    assert isinstance(built, SoftBins) and built.o.k == 3 and built.o.l1_weight == 2
    with pytest.raises(ConfigError, match=r"reconstruction\.k"):
        ReconstructionConfig.from_json({"type": "soft_bins", "k": 0}, "reconstruction")


def test_an_ab_model_starts_a_bins_model_all_but_its_head(tiny_dict, tmp_path, capsys):
    from gancore.config import config_from_dict
    from gancore.engine.checkpoint import export_generator
    from gancore.engine.init import init_generator
    from gancore.gan import build_gan, build_generator

    torch.manual_seed(0)
    _, old = build_generator(config_from_dict(tiny_dict))
    export_generator(tmp_path / "ab.safetensors", old, 0, tiny_dict)
    d = copy.deepcopy(tiny_dict)
    d["task"] = {"type": "colorizer", "head": "bins", "bins": 5}
    d["generator"]["layers"] = [*d["generator"]["layers"][:-2], "conv 25 filter=1"]  # logits at half size
    d["reconstruction"] = {"type": "soft_bins"}
    gan = build_gan(config_from_dict(d))
    init_generator(gan, tmp_path / "ab.safetensors")
    mine, theirs = gan.generator.state_dict(), old.state_dict()
    head = [k for k in mine if mine[k].shape != theirs[k].shape]
    assert head and all(k.startswith(head[0].rsplit(".", 1)[0]) for k in head), "only the last layer differs"
    assert all(torch.equal(mine[k], theirs[k]) for k in mine if k not in head)
    assert "a new head" in capsys.readouterr().err
    d["generator"]["layers"][0] = "conv 6 filter=4 stride=2"  # a mismatch elsewhere is still an error
    with pytest.raises(Exception, match="do not fit"):
        init_generator(build_gan(config_from_dict(d)), tmp_path / "ab.safetensors")


def test_init_partial_starts_changed_layers_fresh_and_names_them(tiny_dict, tmp_path, capsys):
    """``train.init_partial``: a deconvolution made a resize-convolution starts fresh; without it, an error."""
    from gancore.config import config_from_dict
    from gancore.engine.checkpoint import export_generator
    from gancore.engine.init import init_generator
    from gancore.gan import build_gan, build_generator

    torch.manual_seed(0)
    _, old = build_generator(config_from_dict(tiny_dict))
    export_generator(tmp_path / "deconv.safetensors", old, 0, tiny_dict)
    d = copy.deepcopy(tiny_dict)
    d["generator"]["layers"] = ["resize_conv 8" if x == "deconv 8" else x for x in d["generator"]["layers"]]
    gan = build_gan(config_from_dict(d))
    with pytest.raises(Exception, match="do not fit"):
        init_generator(gan, tmp_path / "deconv.safetensors")
    own = {k: v.clone() for k, v in gan.generator.state_dict().items()}
    fresh = init_generator(gan, tmp_path / "deconv.safetensors", partial=True)
    mine, theirs = gan.generator.state_dict(), old.state_dict()
    assert fresh and all(theirs.get(k) is None or theirs[k].shape != mine[k].shape for k in fresh)
    assert all(torch.equal(mine[k], own[k]) for k in fresh), "a changed layer keeps its own initialisation"
    assert all(torch.equal(mine[k], theirs[k]) for k in mine if k not in fresh), "the rest is the model's"
    assert "start fresh (train.init_partial)" in capsys.readouterr().err
