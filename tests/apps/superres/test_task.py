"""Superres conditioning: shapes, ranges, the bicubic residual, and config checks."""

from __future__ import annotations

import pytest
import torch

from apps.superres.task import SuperresTask, upsample
from gancore.config import config_from_dict
from gancore.errors import ConfigError


def photo_batch(small_photos, size: int) -> torch.Tensor:
    """Centre crops of real photos, ``(B, 3, size, size)`` in [-1, 1]."""
    from gancore.data import list_images, read_rgb

    crops = []
    for path in list_images(small_photos)[:4]:
        rgb = torch.from_numpy(read_rgb(path).copy()).permute(2, 0, 1).float() / 127.5 - 1
        y, x = (rgb.shape[1] - size) // 2, (rgb.shape[2] - size) // 2
        crops.append(rgb[:, y : y + size, x : x + size])
    return torch.stack(crops)


@pytest.mark.parametrize("scale", [2, 3, 4])
def test_cardinality(small_photos, scale):
    task = SuperresTask(SuperresTask.Options(scale=scale))
    real = photo_batch(small_photos, 48)
    pair = task.condition(real)
    assert task.shapes(48) == {"condition": (3, 48 // scale, 48 // scale), "target": (3, 48, 48), "judged": (3, 48, 48)}
    assert pair.condition.shape == (4, 3, 48 // scale, 48 // scale) and pair.target is real
    assert pair.condition.min() >= -1 and pair.condition.max() <= 1
    levels = (pair.condition + 1) * 127.5
    assert torch.allclose(levels, levels.round(), atol=1e-4), "the LR image has 8-bit levels, like a file"
    assert task.judged(pair.condition, real) is real, "D judges the HR image alone"


def test_bicubic_condition_is_close_to_the_photo(small_photos):
    task = SuperresTask(SuperresTask.Options(scale=2))
    real = photo_batch(small_photos, 48)
    lr = task.condition(real).condition
    assert (lr - torch.nn.functional.avg_pool2d(real, 2)).abs().mean() < 0.05
    zero = torch.zeros_like(real)
    assert torch.equal(task.compose(lr, zero), upsample(lr, 2)), "a zero residual is plain bicubic"
    assert task.condition_rgb(lr).shape == real.shape and task.to_rgb(lr, real * 2).abs().max() <= 1


def test_exception_size_not_a_multiple_of_scale(sr_dict):
    sr_dict["task"]["scale"] = 3
    cfg = config_from_dict(sr_dict)  # size 32
    with pytest.raises(ConfigError, match=r"data.size: must be a multiple of the scale 3, got 32"):
        cfg.task.build().shapes(32)


@pytest.mark.parametrize(
    ("task", "message"),
    [
        ({"scale": 5}, "task.scale: expected one of 2, 3, 4, got 5"),
        ({"degradations": [{"type": "blur"}]}, "task.degradations: needs exactly one step that resizes"),
        ({"degradations": [{"type": "bicubic"}, {"type": "second_order"}]}, "needs exactly one step"),
        ({"degradations": [{"type": "sharpen"}]}, "unknown degradation 'sharpen' (valid: bicubic, blur, "),
        (
            {"degradations": [{"type": "bicubic"}, {"type": "jpeg", "quality": [90, 10]}]},
            "task.degradations[1].quality",
        ),
        ({"degradations": [{"type": "noise", "sigma": [1, 2]}, {"type": "bicubic"}, {"type": "blur", "q": 1}]}, "'q'"),
    ],
)
def test_exception_bad_options(sr_dict, task, message):
    sr_dict["task"].update(task)
    with pytest.raises(ConfigError) as err:
        config_from_dict(sr_dict)
    assert message in str(err.value)


def test_default_config_builds():
    from gancore.config import load_config
    from gancore.gan import build_gan
    from tests.conftest import ROOT

    for name in ("superres.json", "superres-x2.json", "superres-x3.json", "superres-realesrgan.json"):
        cfg = load_config(ROOT / "configs" / name)
        gan = build_gan(cfg)
        params = sum(p.numel() for p in gan.generator.parameters())
        assert 250_000 <= params <= 1_000_000, f"{name}: a CPU-trainable generator, got {params:,}"


def test_training_checks_score_fidelity_and_naturalness_and_can_select_either():
    """The held-out checks' measures: Y-PSNR picks the kept model by default; ``train.select: brisque``
    keeps the most natural-looking step instead (lower is better), and a blurred upscale scores worse."""
    import torch.nn.functional as F

    from gancore.engine.validation import Rule, rule_for

    task = SuperresTask()
    assert rule_for(task) == Rule("psnr_y", True) and rule_for(task, "brisque") == Rule("brisque", False)
    g = torch.Generator().manual_seed(0)
    truth = (F.avg_pool2d(torch.rand(2, 3, 256, 256, generator=g), 4, 1, 1)[..., :128, :128] * 2 - 1).clamp(-1, 1)
    blurred = F.avg_pool2d(truth, 5, 1, 2)
    sharp, soft = task.validation_scores(None, truth, truth), task.validation_scores(None, blurred, truth)
    assert sharp["psnr_y"] > soft["psnr_y"] and sharp["sharpness"] > soft["sharpness"]
    assert set(sharp) == {"psnr_y", "sharpness", "brisque"}, "without the input, no bicubic to compare with"


def test_faithful_brisque_adds_points_when_the_mean_gain_over_bicubic_is_short(tmp_path):
    """``train.select: faithful_brisque``: BRISQUE alone while the mean ``gain_y`` over bicubic is at least
    ``FAITHFUL_MARGIN`` dB, plus ``FAITHFUL_POINTS`` per dB short of it (the most natural step that keeps its
    fidelity); the validator makes it from the means over the photos, as the evaluation judges."""
    import torch.nn.functional as F
    from PIL import Image

    from apps.superres.validation import FAITHFUL_MARGIN, FAITHFUL_POINTS
    from gancore.engine.validation import Rule, Validator, rule_for
    from tests.helpers import ROOT

    task = SuperresTask(SuperresTask.Options(scale=2))
    assert rule_for(task, "faithful_brisque") == Rule("faithful_brisque", False)
    assert rule_for(task, "gain_y") == Rule("gain_y", True)
    g = torch.Generator().manual_seed(0)
    truth = (F.avg_pool2d(torch.rand(2, 3, 200, 200, generator=g), 5, 1, 2)[..., :96, :96] * 2 - 1).clamp(-1, 1)
    lr = task.degrade(truth)
    bicubic = task.validation_baseline(lr)
    exact, same = task.validation_scores(lr, truth, truth), task.validation_scores(lr, bicubic, truth)
    assert exact["gain_y"] > 20 and same["gain_y"] == 0
    assert task.validation_summary(exact) == {"faithful_brisque": exact["brisque"]}, "the truth: nothing added"
    assert task.validation_summary(same)["faithful_brisque"] == pytest.approx(
        same["brisque"] + FAITHFUL_POINTS * FAITHFUL_MARGIN
    )
    noisy = (bicubic + 0.05 * torch.randn(bicubic.shape, generator=g)).clamp(-1, 1)
    worse = task.validation_scores(lr, noisy, truth)
    assert worse["gain_y"] < -1
    assert task.validation_summary(worse)["faithful_brisque"] == pytest.approx(
        worse["brisque"] + FAITHFUL_POINTS * (FAITHFUL_MARGIN - worse["gain_y"])
    )

    files = []  # through the validator: per-photo scores, then the summary of their means
    for src in sorted((ROOT / "assets" / "photos").glob("*.jpg"))[:2]:
        with Image.open(src) as im:
            im.convert("RGB").resize((160, 120)).save(tmp_path / src.name)
            files.append(tmp_path / src.name)
    v = Validator(task, files, 96, 2, 0, "cpu")
    got = v.scores(v.pair.target)
    assert set(got) == {"psnr_y", "sharpness", "brisque", "gain_y", "faithful_brisque"}
    assert got["faithful_brisque"] == pytest.approx(got["brisque"])
    base = v.scores(task.validation_baseline(v.pair.condition))
    assert base["gain_y"] == pytest.approx(0) and base["faithful_brisque"] == pytest.approx(
        base["brisque"] + FAITHFUL_POINTS * FAITHFUL_MARGIN
    )


def test_web_validation_scores_the_inputs_people_upscale_whatever_the_training_draws(sr_dict):
    """``task.validate: "web"``: held-out crops made as eval's web protocol (bicubic LR at 8 bits, every
    other crop a JPEG of quality 75), the same for a task that trains on heavy noise as for a plain one;
    the default scores the training draws."""
    from apps.superres.degrade import bicubic_resize
    from apps.superres.task import WEB_JPEG, quantize

    def task(validate: str, degradations: list) -> SuperresTask:
        cfg = config_from_dict({**sr_dict, "task": {"type": "superres", "scale": 2, "validate": validate,
                                                         "degradations": degradations}})  # fmt: skip
        return SuperresTask(cfg.task.options)

    noisy = [{"type": "bicubic"}, {"type": "noise", "sigma": [20, 30]}]
    from gancore.engine.validation import fixed_crops
    from tests.helpers import ROOT

    real = fixed_crops(sorted((ROOT / "assets" / "photos").glob("*.jpg"))[:2], 96, 2, seed=0)
    web, plain = task("web", noisy).validation_pair(real), task("web", [{"type": "bicubic"}]).validation_pair(real)
    assert torch.equal(web.condition, plain.condition) and torch.equal(web.target, real)
    clean = quantize(bicubic_resize((real + 1) / 2, (48, 48))) * 2 - 1
    assert torch.equal(web.condition[0::2], clean[0::2]), "even crops: clean bicubic"
    diff = (web.condition[1::2] - clean[1::2]).abs()
    assert 0 < diff.mean() < 0.05, f"odd crops: a JPEG of quality {WEB_JPEG}, close to the clean input"
    torch.manual_seed(1)
    drawn = task("degradations", noisy).validation_pair(real)
    assert (drawn.condition - clean).abs().mean() > 4 * diff.mean(), "the default: the training's own draws"
    with pytest.raises(ConfigError, match=r"task\.validate"):
        task("phone", noisy)
