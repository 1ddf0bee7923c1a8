"""The alternating trainer's one-forward step (pix2pix's) against the two-forward one.

With a deterministic generator (no dropout, no latent) the two must train both networks to the
same weights, step after step: the fake D trains on is the same tensor either way, and G does
not change between D's update and G's. Penalties, tricks and EMA see the same inputs too.
"""

from __future__ import annotations

import pytest
import torch

from gancore.config import config_from_dict
from gancore.gan import build_gan


def _trained(tiny_dict, steps: int = 3, **trainer) -> tuple[object, int]:
    """The GAN after ``steps`` iterations, and how many generator forwards they took."""
    tiny_dict["trainer"] = {"type": "alternating", "g_learn_rate": 0.01, "d_learn_rate": 0.01, **trainer}
    cfg = config_from_dict(tiny_dict)
    torch.manual_seed(0)
    gan = build_gan(cfg)
    trainer_ = cfg.trainer.build(gan)
    calls = []
    gan.generator.register_forward_hook(lambda *_: calls.append(1))
    batches = torch.Generator().manual_seed(1)
    for _ in range(steps):
        trainer_.step(torch.rand(4, 3, 32, 32, generator=batches) * 2 - 1)
    return gan, len(calls)


VARIANTS = {
    "plain": {},
    "gradient penalty": {"penalty": {"type": "gradient_penalty", "weight": 1.0}},
    "r1 and ema": {"penalty": {"type": "r1", "weight": 0.5}, "tricks": {"ema": 0.9}},
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_shared_and_separate_forward_train_to_the_same_weights(tiny_dict, variant):
    tiny_dict.update(VARIANTS[variant])
    shared, shared_calls = _trained(dict(tiny_dict))
    separate, separate_calls = _trained(dict(tiny_dict), share_forward=False)
    assert (shared_calls, separate_calls) == (3, 6)  # one generator pass per iteration instead of two
    for a, b in zip(shared.generator.parameters(), separate.generator.parameters()):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)
    for a, b in zip(shared.discriminator.parameters(), separate.discriminator.parameters()):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)
    if shared.ema is not None:
        for a, b in zip(shared.ema.parameters(), separate.ema.parameters()):
            torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)
    moved = any(
        not torch.equal(a, b)
        for a, b in zip(shared.generator.parameters(), _trained(dict(tiny_dict), 0)[0].generator.parameters())
    )
    assert moved  # the comparison is between trained networks, not two untouched ones


@pytest.mark.parametrize(
    ("options", "steps", "forwards"),
    [({"d_nb_update": 2}, 1, 3), ({"g_nb_update": 2}, 1, 3), ({"train_d_every": 2}, 2, 1 + 1)],
)
def test_two_forward_path_where_sharing_would_not_be_exact(tiny_dict, options, steps, forwards):
    """Several D or G updates: a fresh fake each; ``train_d_every``: shared when D trains, G alone otherwise."""
    _, calls = _trained(tiny_dict, steps=steps, **options)
    assert calls == forwards
