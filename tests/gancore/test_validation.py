"""Scores on held-out photos: fixed crops and draws, the rule that picks the best, when a run stops,
and the time budget's plan."""

from __future__ import annotations

import math

import pytest
import torch

from gancore.engine.budget import Budget
from gancore.engine.validation import Rule, Validator, fixed_crops, rgb_psnr, rule_for
from gancore.engine.watch import Watch
from gancore.errors import ConfigError
from gancore.gan import build_gan


def _files(small_photos):
    return sorted(p for p in small_photos.rglob("*") if p.suffix in (".jpg", ".png"))[:2]


def test_rgb_psnr_is_pooled_over_the_batch():
    a = torch.zeros(2, 3, 8, 8)
    b = a.clone()
    b[0] += 0.2  # one crop off by 0.1 on 0..1, the other exact: pooled MSE 0.005
    assert rgb_psnr(a, b) == pytest.approx(10 * math.log10(1 / 0.005), abs=1e-4)
    assert rgb_psnr(a, a) == pytest.approx(100.0)


def test_fixed_crops_are_fixed(small_photos):
    files = _files(small_photos)
    a, b = fixed_crops(files, 32, 3, seed=0), fixed_crops(files, 32, 3, seed=0)
    assert a.shape == (6, 3, 32, 32) and torch.equal(a, b)
    assert not torch.equal(a, fixed_crops(files, 32, 3, seed=1)), "the seed moves all but the centre crops"
    assert torch.equal(a[0], fixed_crops(files, 32, 3, seed=1)[0]), "the first crop is the centre"


def test_the_inpainters_random_masks_are_the_same_at_every_check(small_photos):
    from gancore.config import config_from_dict
    from tests.apps.inpainter.conftest import TINY

    gan = build_gan(config_from_dict(TINY))
    files = _files(small_photos)
    one = Validator(gan.task, files, 32, 2, 0, "cpu")
    torch.manual_seed(123)  # whatever the global stream holds
    two = Validator(gan.task, files, 32, 2, 0, "cpu")
    assert torch.equal(one.pair.condition, two.pair.condition)
    assert one.score(gan) == two.score(gan)
    state = torch.get_rng_state()
    Validator(gan.task, files, 32, 2, 0, "cpu").score(gan)
    assert torch.equal(state, torch.get_rng_state()), "checks never move the training's random stream"


def test_rule_and_measures(tiny_config):
    task = build_gan(tiny_config).task
    rule = rule_for(task)
    assert rule == Rule("psnr", True)
    assert rule.better(1.0, None) and rule.better(2.0, 1.0) and not rule.better(1.0, 1.0), "ties keep the earlier"
    assert not rule.better(float("nan"), None)
    assert Rule("x", False).better(1.0, 2.0)
    with pytest.raises(ConfigError, match=r"train\.select.*unknown measure 'ssim'.*psnr"):
        rule_for(task, "ssim")


class _Scripted:
    """A validator stand-in that returns scripted scores (the Watch's bookkeeping is what is tested)."""

    def __init__(self, values):
        self.values, self.crops = list(values), 4

    def score(self, gan):
        return {"psnr": self.values.pop(0)}

    def baseline(self):
        return {"psnr": 10.0}


def test_watch_keeps_the_best_and_stops_after_two_checks_far_below_the_start():
    w = Watch(_Scripted([20.0, 21.0, 20.5, 18.5, 19.5, 18.0, 17.0]), Rule("psnr", True), stop_drop=1.0)
    w.begin(None)
    seen = [w.check(s, None) for s in (10, 20, 30, 40, 50, 60)]
    assert [improved for _, improved, _ in seen] == [True, False, False, False, False, False]
    assert w.best_step == 10 and w.best == {"psnr": 21.0}
    reasons = [r for _, _, r in seen]
    assert reasons[:4] == [None, None, None, None], "18.5 is 1.5 below, but 19.5 next is not: no stop"
    assert reasons[4] is None and "at two checks in a row" in reasons[5]
    state = w.state()
    again = Watch(_Scripted([]), Rule("psnr", True))
    again.load_state(state)
    assert again.best_step == 10 and again.history == w.history and again.below == w.below


def test_a_start_that_is_no_model_is_never_the_best():
    w = Watch(_Scripted([25.0, 18.0, 17.0]), Rule("psnr", True), start_is_model=False)
    w.begin(None)
    assert w.best is None and w.best_step is None and w.postfix() == {}
    assert w.check(10, None)[1] and w.best_step == 10, "the first check is the best so far, below the start or not"
    assert not w.check(20, None)[1] and w.best_step == 10
    again = Watch(_Scripted([]), Rule("psnr", True))
    again.load_state(w.state())
    assert again.start_is_model is False, "a resumed run remembers it"


def test_a_non_finite_score_stops():
    w = Watch(_Scripted([20.0, float("nan")]), Rule("psnr", True))
    w.begin(None)
    _, improved, reason = w.check(5, None)
    assert not improved and "nan" in reason


def test_budget_plans_steps_and_checks_from_the_measured_pace():
    now = [0.0]
    b = Budget(2.0, clock=lambda: now[0])  # 120 s
    b.check_cost = 1.0
    now[0] = 10.0  # setup and step 0's check
    assert not b.ready(1)
    for step in range(2, 20):
        now[0] += 0.5  # half a second a step
        if b.ready(step):
            break
    plan = b.fit(step, 0, 10**9)
    left = 120 - now[0] - 15 - 1  # the reserve and the last check
    expected = step + math.floor((left - 8 * 1.0) / 0.5)
    assert plan.seconds_per_step == pytest.approx(0.5) and plan.steps == expected
    assert plan.every == expected // 8
    assert b.fit(step, 0, 50).steps == 50, "--steps with --minutes caps the plan"
    assert not b.over()
    now[0] = 120 - 15 - 1 + 0.1
    assert b.over() and b.left() == "0:15"
