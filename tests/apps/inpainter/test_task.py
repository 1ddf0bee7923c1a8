"""The inpainting task: holes in the condition, known pixels composed back, losses split by region."""

from __future__ import annotations

import pytest
import torch

from gancore.config import config_from_dict
from gancore.errors import ConfigError
from gancore.gan import build_gan


@pytest.fixture
def gan(inp_dict):
    torch.manual_seed(0)
    return build_gan(config_from_dict(inp_dict))


@pytest.mark.parametrize("fill", ["pyramid", "gray"])
def test_condition_hides_the_holes(inp_dict, fill):
    inp_dict["task"]["fill"] = fill
    gan = build_gan(config_from_dict(inp_dict))
    real = torch.rand(4, 3, 32, 32) * 2 - 1
    torch.manual_seed(5)
    pair = gan.task.condition(real)
    hole = gan.task.hole(pair.condition)
    assert pair.condition.shape == (4, 4, 32, 32) and torch.equal(pair.target, real)
    assert set(hole.unique().tolist()) == {0.0, 1.0}
    assert torch.equal(pair.condition[:, :3] * (1 - hole), real * (1 - hole)), "known pixels pass unchanged"
    other = torch.where(hole > 0, -real, real)  # the same photo with other content in the holes
    torch.manual_seed(5)
    assert torch.equal(gan.task.condition(other).condition, pair.condition), "no hole pixel leaks into the condition"
    if fill == "gray":
        assert (pair.condition[:, :3] * hole).abs().max() == 0


def test_compose_keeps_known_pixels_exactly(gan):
    real = torch.rand(2, 3, 32, 32) * 2 - 1
    pair = gan.task.condition(real)
    fake = gan.generate(pair.condition)
    hole = gan.task.hole(pair.condition) > 0
    known = ~hole.expand_as(real)
    assert torch.equal(fake[known], real[known])
    raw = gan.generate_raw(pair.condition)
    guess = pair.condition[:, :3] + raw  # residual (the default): G's output over the first guess
    assert torch.equal(fake[~known], guess[~known]), "inside the holes: the generator's prediction"


def test_discriminator_sees_the_mask(gan, inp_dict):
    assert gan.task.shapes(32)["judged"] == (4, 32, 32)
    inp_dict["task"]["d_sees_mask"] = False
    assert build_gan(config_from_dict(inp_dict)).task.shapes(32)["judged"] == (3, 32, 32)


def test_hole_is_fake_labels_only_the_hole_of_a_composite_fake(inp_dict):
    """LaMa's fake target: D's loss on a composite calls its hole patches fake and its known patches real."""
    import torch.nn.functional as F

    inp_dict["loss"] = {"type": "standard"}
    inp_dict["task"]["hole_is_fake"] = True
    torch.manual_seed(0)
    gan = build_gan(config_from_dict(inp_dict))
    trainer = gan.config.trainer.build(gan)
    real = torch.rand(2, 3, 32, 32) * 2 - 1
    hole = torch.zeros(2, 1, 32, 32)
    hole[:, :, :, :16] = 1  # the left half of each picture is G's
    pair = type(gan.task.condition(real))(gan.task.make_condition(real, hole), real)
    fake = gan.generate(pair.condition).detach()
    loss, logs, (d_real, d_fake) = trainer.d_objective(pair, fake)
    target = torch.zeros_like(d_fake)
    target[..., d_fake.shape[-1] // 2 :] = 1  # D's 8 x 8 map: its right half sees known pixels only
    expected = F.binary_cross_entropy_with_logits(d_real, torch.ones_like(d_real))
    expected = expected + F.binary_cross_entropy_with_logits(d_fake, target)
    assert loss.item() == pytest.approx(expected.item(), rel=1e-5)
    assert logs["d_fake_region"].item() == pytest.approx(d_fake[..., : d_fake.shape[-1] // 2].mean().item(), rel=1e-5)
    everything = F.binary_cross_entropy_with_logits(d_fake, torch.zeros_like(d_fake))
    assert abs(loss.item() - (expected - F.binary_cross_entropy_with_logits(d_fake, target) + everything).item()) > 1e-3
    inp_dict["loss"] = {"type": "wasserstein"}
    with pytest.raises(ConfigError, match=r"task\.hole_is_fake.*labels"):
        gan.config.trainer.build(build_gan(config_from_dict(inp_dict)))
    inp_dict["loss"] = {"type": "standard"}
    inp_dict["tricks"] = {"augment": ["translation"]}
    with pytest.raises(ConfigError, match=r"task\.hole_is_fake.*translation"):
        gan.config.trainer.build(build_gan(config_from_dict(inp_dict)))


def test_masked_l1_weighs_hole_and_known_regions(gan):
    from apps.inpainter.task import mask_condition
    from gancore.losses import RECONSTRUCTIONS

    rec = RECONSTRUCTIONS.get("masked_l1")(RECONSTRUCTIONS.get("masked_l1").Options(hole_weight=3, known_weight=0.5))
    target = torch.zeros(1, 3, 4, 4)
    hole = torch.zeros(1, 1, 4, 4)
    hole[..., :2, :] = 1  # top half missing
    raw = torch.ones(1, 3, 4, 4)  # wrong everywhere by 1
    fake = gan.task.compose(mask_condition(target, hole), raw)
    assert rec(fake, target, raw=raw, hole=hole).item() == pytest.approx(3 * 0.5 + 0.5 * 0.5)
    raw.requires_grad_(True)
    rec(gan.task.compose(mask_condition(target, hole), raw), target, raw=raw, hole=hole).backward()
    assert (raw.grad[..., 2:, :] != 0).all(), "the known term reaches G's raw output below the holes"


def test_masked_l1_hole_scale_ignores_texture_finer_than_its_blocks():
    """With hole_scale 4, a checkerboard error that averages out in each 4 x 4 block costs nothing in the
    hole, a uniform colour error costs its full size, and the known term still reads every pixel."""
    from gancore.errors import ConfigError as Err
    from gancore.losses import RECONSTRUCTIONS

    cls = RECONSTRUCTIONS.get("masked_l1")
    rec = cls(cls.Options(hole_weight=1, known_weight=0, hole_scale=4))
    full = cls(cls.Options(hole_weight=1, known_weight=0))
    target, hole = torch.zeros(1, 3, 8, 8), torch.ones(1, 1, 8, 8)
    checker = ((torch.arange(8)[:, None] + torch.arange(8)) % 2 * 2 - 1).float().expand(1, 3, 8, 8)
    assert rec(checker, target, raw=checker, hole=hole).item() == pytest.approx(0.0)
    assert full(checker, target, raw=checker, hole=hole).item() == pytest.approx(1.0)
    assert rec(target + 0.5, target, raw=target, hole=hole).item() == pytest.approx(0.5)
    known = cls(cls.Options(hole_weight=0, known_weight=1, hole_scale=4))
    assert known(target, target, raw=checker, hole=torch.zeros(1, 1, 8, 8)).item() == pytest.approx(1.0)
    with pytest.raises(Err, match=r"reconstruction\.hole_scale"):
        cls.Options(hole_scale=0)
    # a grid that repeats every 4 px is free under the block means; hole_pixel_weight makes it cost its amplitude
    both = cls(cls.Options(hole_weight=1, known_weight=0, hole_scale=4, hole_pixel_weight=0.25))
    assert both(checker, target, raw=checker, hole=hole).item() == pytest.approx(0.25)
    assert both(target + 0.5, target, raw=target, hole=hole).item() == pytest.approx(0.5 + 0.125)


def test_trainer_logs_region_losses_and_feature_matching(gan):
    trainer = gan.config.trainer.build(gan)
    logs = trainer.step(torch.rand(4, 3, 32, 32) * 2 - 1)
    assert {"g_rec", "g_adv", "g_feature_match", "d_loss"} <= set(logs)
    assert logs["g_feature_match"] > 0 and torch.isfinite(logs["g_loss"])


def test_feature_matching_needs_named_layers(inp_dict):
    inp_dict["discriminator"]["layers"] = ["conv 8 filter=4 stride=2", "lrelu", "conv 1 filter=3"]
    with pytest.raises(ConfigError, match=r"trainer\.feature_matching.*name"):
        build_gan(config_from_dict(inp_dict))


def test_masked_l1_needs_a_task_with_holes(tiny_dict):
    tiny_dict["reconstruction"] = {"type": "masked_l1"}
    with pytest.raises(ConfigError, match=r"reconstruction\.type.*inpainter"):
        build_gan(config_from_dict(tiny_dict))


def test_untrained_residual_model_starts_at_the_pyramid_fill():
    """The default config zero-initialises G's last layer: before training the output is the first guess."""
    from gancore.config import load_config
    from tests.helpers import ROOT

    gan = build_gan(load_config(ROOT / "configs/inpainter.json").replace("data", size=64))
    torch.manual_seed(1)
    pair = gan.task.condition(torch.rand(2, 3, 64, 64) * 2 - 1)
    gan.generator.eval()
    with torch.no_grad():
        assert torch.equal(gan.generate(pair.condition), pair.condition[:, :3])
