"""``bench/train_settings.py``: each row's trainer has exactly its setting changed, the table and the JSON.

No test here asserts on time; the end-to-end run checks the file's structure, not its numbers.
"""

from __future__ import annotations

import json

import pytest
import torch

from bench.flops import cpu_features
from bench.train_settings import CONFIG, SETTINGS, Row, build, format_table, main, pix2pix_ratios, to_dicts
from gancore.config import load_config
from gancore.engine.speed import cpu_has_bf16
from gancore.gan import build_gan


def kernel(opt) -> str:
    return "fused" if opt.defaults.get("fused") else "foreach" if opt.defaults.get("foreach") else "loop"


@pytest.fixture(scope="module")
def small():
    """The pix2pix-shaped colorizer of the bench at the tests' size: the half-width config, 256 px."""
    return load_config("configs/pix2pix-unet256.json")


AUTO = torch.bfloat16 if cpu_has_bf16() else None  # precision "auto" on this CPU


@pytest.mark.parametrize(
    "name, share, opt, layout, compiled, dtype",
    [("defaults", True, "fused", False, None, AUTO), ("two-forwards", False, "fused", False, None, AUTO),
     ("adam-loop", True, "loop", False, None, AUTO), ("adam-foreach", True, "foreach", False, None, AUTO),
     ("pix2pix-like", False, "loop", False, None, None), ("fp32", True, "fused", False, None, None),
     ("bf16", True, "fused", False, None, torch.bfloat16), ("channels-last", True, "fused", True, None, AUTO),
     ("torch-convs", True, "fused", False, None, None),
     ("compile", True, "fused", False, "default", AUTO)],
)  # fmt: skip
def test_each_setting_changes_only_its_own_thing(small, name, share, opt, layout, compiled, dtype):
    trainer, speed = build(small, name, torch.device("cpu"))
    assert trainer.o.share_forward is share
    assert kernel(trainer.g_opt) == kernel(trainer.d_opt) == opt
    weight = next(p for p in trainer.gan.generator.parameters() if p.dim() == 4 and p.shape[1] > 1)
    assert weight.is_contiguous(memory_format=torch.channels_last) is layout and speed.channels_last is layout
    assert speed.compile == compiled and speed.dtype == dtype


def test_the_bench_config_is_pix2pix_at_full_width():
    """Parameter counts of pytorch-CycleGAN-and-pix2pix's U-Net-128 / -256 and 70x70 PatchGAN (1 -> 2 channels)."""
    for path, g_params in ((CONFIG, 41_824_898), ("configs/pix2pix-unet256-full.json", 54_409_858)):
        gan = build_gan(load_config(path))
        assert sum(p.numel() for p in gan.generator.parameters()) == g_params
        assert sum(p.numel() for p in gan.discriminator.parameters()) == 2_765_633


def test_rows_relative_to_the_defaults_and_the_table():
    rows = [Row("defaults", "as shipped", 1, [2.0, 2.2, 1.9]), Row("adam-loop", "loop", 1, [2.4, 2.6, 2.5]),
            Row("compile", "inductor", 1, error="RuntimeError: no compiler")]  # fmt: skip
    d = to_dicts(rows, batch=8, meta={"step_gflop": 10.0})
    assert d[0]["step_s"] == 2.0 and d[0]["speed_vs_defaults"] == 1.0 and d[0]["images_per_s"] == 4.0
    assert d[1]["speed_vs_defaults"] == pytest.approx(0.8) and d[1]["min_s"] == 2.4
    assert d[0]["achieved_gflops"] == 5.0 and d[1]["achieved_gflops"] == 4.0  # 10 GFLOP a step over the median
    cpu = cpu_features()["label"]
    assert all(r["cpu"] == cpu for r in d), "every row names the kind of CPU it ran on"
    assert d[2] == {"setting": "compile", "changes": "inductor", "threads": 1, "cpu": cpu,
                    "error": "RuntimeError: no compiler"}  # fmt: skip
    lines = format_table(d, "head").splitlines()
    assert lines[0] == "head" and lines[2].split()[:5] == ["defaults", "2.000", "4.00", "1.00x", "5.0"]
    assert "0.80x" in lines[3] and "not measured: RuntimeError: no compiler" in lines[4] and cpu in lines[2]


def test_torch_convs_row_runs_torch_nn_kernels_only_there(small):
    from gancore.layers.small_conv import Conv2d, ConvTranspose2d

    def kinds(name):
        trainer, _ = build(small, name, torch.device("cpu"))
        return {type(m) for net in (trainer.gan.generator, trainer.gan.discriminator) for m in net.modules()}

    assert not kinds("torch-convs") & {Conv2d, ConvTranspose2d} and torch.nn.ConvTranspose2d in kinds("torch-convs")
    assert {Conv2d, ConvTranspose2d} <= kinds("fp32")


def test_pix2pix_ratio_of_medians_and_round_by_round():
    rows = [{"setting": "fp32", "step_s": 2.0, "times_s": [2.0, 3.0, 1.0]},
            {"setting": "pix2pix-step", "step_s": 3.0, "times_s": [3.0, 3.3, 1.4]}]  # fmt: skip
    r = pix2pix_ratios(rows)
    assert r["vs fp32"] == 1.5  # 3.0 / 2.0
    assert r["vs fp32, median of rounds"] == 1.4  # rounds: 1.5, 1.1, 1.4
    assert r["vs fp32, rounds' lower quartile"] == 1.25  # between 1.1 and 1.4
    assert r["vs fp32, rounds' upper quartile"] == 1.45  # between 1.4 and 1.5
    assert pix2pix_ratios(rows[:1]) == {}
    one = [{**row, "times_s": row["times_s"][:1]} for row in rows]  # one round: no spread to give
    assert "vs fp32, rounds' lower quartile" not in pix2pix_ratios(one)


def test_every_setting_is_described():
    assert all(len(spec) == 4 and spec[0] for spec in SETTINGS.values())


def test_main_writes_the_json(tmp_path, capsys):
    code = main(["--config", "configs/colorizer.json", "--size", "64", "--batch", "2", "--rounds", "2", "--warmup", "1",
                 "--settings", "adam-loop", "one-thread", "--out", str(tmp_path)])  # fmt: skip
    assert code == 0
    data = json.loads((tmp_path / "train-settings-cpu.json").read_text())
    assert [r["setting"] for r in data["rows"]] == ["defaults", "adam-loop", "one-thread"]
    assert all(len(r["times_s"]) == 2 and r["step_s"] > 0 for r in data["rows"])
    assert data["rows"][0]["speed_vs_defaults"] == 1.0 and data["batch"] == 2 and data["size"] == 64
    assert data["step_gflop"] > 0 and data["matmul_peak_gflops"]["float32"] > 0 and data["cpu"]["label"]
    out = capsys.readouterr().out
    assert "train-settings-cpu.json" in out and "of the fp32 peak" in out


def test_pix2pix_step_takes_the_step_our_trainer_takes(small):
    """The pix2pix row times the same work as ours: from the same weights, batch and dropout draws, one step
    of each (pix2pix's flow and torch's Adam; our fp32 trainer) leaves G and D with the same weights (D's loss
    is halved in pix2pix: Adam's first step does not see the scale)."""
    from bench.pix2pix_step import Pix2PixStep

    cfg = small.replace("data", batch=1).replace("train", precision="fp32")
    torch.manual_seed(3)
    real = torch.rand(1, 3, 256, 256) * 2 - 1
    theirs = Pix2PixStep(cfg, torch.device("cpu"))
    ours, _ = build(cfg, "fp32", torch.device("cpu"))
    for net in ("generator", "discriminator"):
        getattr(ours.gan, net).load_state_dict(getattr(theirs.gan, net).state_dict())
    before = {k: v.clone() for k, v in theirs.gan.generator.state_dict().items()}
    torch.manual_seed(7)
    theirs(real)
    torch.manual_seed(7)
    ours.step(real)
    state = theirs.gan.generator.state_dict()
    assert any(v.is_floating_point() and not torch.equal(v, before[k]) for k, v in state.items()), "G trained"
    lr = cfg.trainer.options.g_learn_rate
    for net in ("generator", "discriminator"):
        # the weights (batch norm's running statistics depend on the order D sees real and fake: not compared)
        a, b = dict(getattr(theirs.gan, net).named_parameters()), dict(getattr(ours.gan, net).named_parameters())
        diff = torch.cat([(a[k].detach() - b[k].detach()).abs().flatten() for k in a])
        # Adam's first step moves each weight by lr x sign(gradient): only weights whose gradient is ~0 (its
        # sign set by rounding) or near Adam's eps (D's halved loss) land apart, by at most 2 lr
        assert (diff > 1e-6).float().mean() < 1e-2 and diff.max() <= 2 * lr + 1e-6, (
            net,
            diff.max(),
            (diff > 1e-6).sum(),
        )
    assert all(p.requires_grad is False for p in theirs.gan.discriminator.parameters()), "as pix2pix leaves it"
    from gancore.layers.small_conv import Conv2d, ConvTranspose2d

    kinds = {type(m) for net in (theirs.gan.generator, theirs.gan.discriminator) for m in net.modules()}
    assert torch.nn.ConvTranspose2d in kinds and not kinds & {Conv2d, ConvTranspose2d}, "pix2pix runs torch's kernels"
    assert ConvTranspose2d in {type(m) for m in ours.gan.generator.modules()}
