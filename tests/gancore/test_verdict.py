"""The verdict sentence: what it claims against the shipped model, and how far a few photos can tell."""

from __future__ import annotations

from types import SimpleNamespace

from gancore.data.split import NOISE_DB, WARN
from gancore.engine.validation import Rule
from gancore.engine.verdict import verdict


def _watch(start: float, best: float, step: int, measure: str = "psnr", higher: bool = True, reference=None, **kw):
    return SimpleNamespace(measure=measure, rule=Rule(measure, higher), start={measure: start},
                           best={measure: best}, best_step=step, reference=reference, **kw)  # fmt: skip


def test_a_gain_on_a_few_photos_under_the_noise_says_so_and_a_larger_one_does_not():
    small = verdict(_watch(20.0, 20.0 + NOISE_DB / 3, 57), "the shipped model", 2)
    assert small.startswith("beats the shipped model on your 2 held-out photos by +0.10 dB")
    assert "less than a score on so few photos can tell apart" in small
    large = verdict(_watch(20.0, 20.0 + 2 * NOISE_DB, 57), "the shipped model", 2)
    assert large.startswith("beats the shipped model") and "can tell apart" not in large
    many = verdict(_watch(20.0, 20.0 + NOISE_DB / 3, 57), "the shipped model", WARN)
    assert "can tell apart" not in many, "enough photos: the gain stands as measured"
    unitless = verdict(_watch(0.5, 0.52, 57, measure="texture"), "the shipped model", 2)
    assert "can tell apart" not in unitless, "the dB rule is for dB measures"
    assert unitless.endswith("texture 0.52 against 0.50 (higher is better; step 57)"), "both values, no unit"


def test_the_start_kept_and_a_loss_against_the_shipped_model_are_said_plainly():
    kept = verdict(_watch(20.0, 20.0, 0), "the shipped model", 2)
    assert kept.startswith("did not beat the shipped model") and kept.endswith("kept it")
    lower = verdict(_watch(20.0, 19.5, 40, measure="brisque", higher=False), "the shipped model", 3)
    assert lower == (
        "beats the shipped model on your 3 held-out photos: brisque 19.50 against 20.00 (lower is better; step 40)"
    )
    worse = verdict(_watch(20.0, 20.2, 40, reference={"psnr": 20.5}), "superres-x2", 2)
    assert worse.startswith("did not beat the shipped model") and "is the better model" in worse


def test_a_start_with_a_new_head_is_not_called_a_model_beaten():
    alone = verdict(
        _watch(25.0, 18.0, 40, start_is_model=False), "the shipped model colorizer with a new last layer", 3
    )
    assert (
        alone.startswith("kept step 40 (psnr 18.00 dB)")
        and "no finished model (some of its layers started fresh)" in alone
    )
    assert "beats" not in alone and "did not beat" not in alone
    shipped = verdict(_watch(25.0, 21.0, 40, start_is_model=False, reference={"psnr": 20.5}), "x", 3)
    assert shipped.startswith("beats the shipped model on your 3 held-out photos by +0.50 dB")
    none = verdict(SimpleNamespace(measure="psnr", start={"psnr": 1.0}, best=None), "the start", 3)
    assert none.startswith("no check after the start gave a psnr")
