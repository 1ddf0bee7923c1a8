"""The alternating trainer: each optimizer moves only its own network; both networks learn."""

from __future__ import annotations

import torch

from gancore.gan import build_gan


def snapshot(net):
    return {k: v.detach().clone() for k, v in net.state_dict().items() if v.is_floating_point()}


def changed(before, net):
    return [k for k, v in net.state_dict().items() if k in before and not torch.equal(before[k], v)]


def real_batch(b=4, size=32):
    """Smooth random colour fields: learnable, unlike per-pixel noise."""
    torch.manual_seed(1)
    coarse = torch.rand(b, 3, 4, 4) * 2 - 1
    return torch.nn.functional.interpolate(coarse, size=(size, size), mode="bilinear", align_corners=False)


def test_step_changes_both_networks(tiny_config):
    torch.manual_seed(0)
    gan = build_gan(tiny_config)
    trainer = tiny_config.trainer.build(gan)
    g0, d0 = snapshot(gan.generator), snapshot(gan.discriminator)
    logs = trainer.step(real_batch())
    weights = [k for k in g0 if k.endswith("weight")]
    assert set(weights) <= set(changed(g0, gan.generator))
    assert {k for k in d0 if k.endswith("weight")} <= set(changed(d0, gan.discriminator))
    assert {"d_loss", "g_loss", "g_adv", "g_rec"} <= set(logs)
    assert all(v.dim() == 0 and not v.requires_grad for v in logs.values())


def test_optimizers_own_disjoint_parameters(tiny_config):
    gan = build_gan(tiny_config)
    trainer = tiny_config.trainer.build(gan)
    g_params = {id(p) for group in trainer.g_opt.param_groups for p in group["params"]}
    d_params = {id(p) for group in trainer.d_opt.param_groups for p in group["params"]}
    assert g_params == {id(p) for p in gan.generator.parameters()}
    assert d_params == {id(p) for p in gan.discriminator.parameters()}


def test_d_step_leaves_g_and_g_step_leaves_d(tiny_config):
    torch.manual_seed(0)
    gan = build_gan(tiny_config)
    trainer = tiny_config.trainer.build(gan)
    pair = gan.task.condition(real_batch())
    g0 = snapshot(gan.generator)
    trainer.d_step(pair)
    assert not [k for k in changed(g0, gan.generator) if "running" not in k and "num_batches" not in k]
    d0 = snapshot(gan.discriminator)
    trainer.g_step(pair)
    assert not [k for k in changed(d0, gan.discriminator) if "running" not in k and "num_batches" not in k]
    assert all(p.requires_grad for p in gan.discriminator.parameters()), "G's step must give D its gradients back"


def test_training_reduces_reconstruction(tiny_config):
    torch.manual_seed(0)
    gan = build_gan(tiny_config)
    trainer = tiny_config.trainer.build(gan)
    x = real_batch()
    first = trainer.step(x)["g_rec"].item()
    for _ in range(30):
        last = trainer.step(x)["g_rec"].item()
    assert last < first * 0.9


def test_zero_learning_rate_moves_nothing(tiny_dict):
    from gancore.config import config_from_dict

    tiny_dict["trainer"].update(g_learn_rate=0.0, d_learn_rate=0.0)
    cfg = config_from_dict(tiny_dict)
    gan = build_gan(cfg)
    trainer = cfg.trainer.build(gan)
    g0 = snapshot(gan.generator)
    trainer.step(real_batch())
    assert not [k for k in changed(g0, gan.generator) if k.endswith("weight")]
