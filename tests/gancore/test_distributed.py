"""Multi-process training: ``torchrun`` with 2 CPU processes (gloo) against one process with the doubled batch.

The tiny config here has no batch norm and no dropout, so two processes with batch B each take
exactly the step one process takes with batch 2B (up to float rounding).
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.multiprocessing as mp
from safetensors import safe_open
from safetensors.torch import load_file

from gancore.config import config_from_dict
from gancore.data import PhotoFolder
from gancore.engine import train
from gancore.engine.checkpoint import list_checkpoints, samples_consumed, save_checkpoint
from gancore.gan import build_gan
from tests.conftest import TINY
from tests.helpers import ROOT, log_ticks

B = 2  # images per process and step
STEPS = 3


def plain_config(batch: int, steps: int = STEPS) -> dict:
    """TINY without batch norm, logging every step, one checkpoint at the end, in fp32 (bf16 autocast,
    the default on a CPU with bf16 instructions, rounds a batch of 2B otherwise than two of B)."""
    d = copy.deepcopy(TINY)
    d["generator"]["layers"] = [layer for layer in d["generator"]["layers"] if layer != "batch_norm"]
    d["data"]["batch"] = batch
    d["train"].update(steps=steps, log_every=1, sample_every=100, checkpoint_every=100, precision="fp32")
    return d


def torchrun(*args, env: dict[str, str]) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "torchrun"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "torch.distributed.run"]
    return subprocess.run(
        [*cmd, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        env={**os.environ, "OMP_NUM_THREADS": "1", **env},
    )


def weights(path: Path) -> dict[str, torch.Tensor]:
    return {k: v for k, v in load_file(str(path)).items() if k.startswith(("generator.", "discriminator."))}


def max_difference(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> float:
    assert a.keys() == b.keys()
    return max((a[k].float() - b[k].float()).abs().max().item() for k in a)


@pytest.fixture(scope="module")
def runs(tmp_path_factory, small_photos):
    """A 2-process run (batch B each) and a 1-process run (batch 2B), both STEPS steps, with rank weights dumped."""
    root = tmp_path_factory.mktemp("distributed")
    cfg_file = root / "plain.json"
    cfg_file.write_text(json.dumps(plain_config(B)))
    dumps = root / "dumps"
    done = torchrun(
        "--standalone",
        "--nproc_per_node=2",
        "-m",
        "apps.colorizer",
        "train",
        small_photos,
        "--config",
        cfg_file,
        "--out",
        root / "two",
        "--steps",
        STEPS,
        "--no-progress",
        env={"GANCORE_DUMP_RANK_WEIGHTS": str(dumps)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    os.environ["GANCORE_DUMP_RANK_WEIGHTS"] = str(root / "single-dump")
    try:
        train(config_from_dict(plain_config(2 * B)), small_photos, root / "one", progress=False)
    finally:
        del os.environ["GANCORE_DUMP_RANK_WEIGHTS"]
    return root


def test_two_processes_write_one_run(runs):
    two = runs / "two"
    assert [p.name for p in list_checkpoints(two / "checkpoints")] == ["step-000003.safetensors"]
    assert sorted(p.name for p in (two / "samples").iterdir()) == ["step-000003.png"]
    assert len(list((two / "tensorboard").iterdir())) == 1, "only rank 0 logs"
    assert [line["step"] for line in log_ticks(two)] == [1, 2, 3]
    checks = [json.loads(line) for line in (two / "metrics.jsonl").read_text().splitlines()]
    assert [c["step"] for c in checks if "val/psnr" in c] == [0, 3], "rank 0 scores the held-out photos"
    assert not list(two.rglob("*.tmp*"))


def test_ranks_end_identical(runs):
    rank0, rank1 = weights(runs / "dumps" / "rank-0.safetensors"), weights(runs / "dumps" / "rank-1.safetensors")
    assert rank0.keys() == rank1.keys() and rank0
    for k in rank0:
        assert torch.equal(rank0[k], rank1[k]), f"{k} differs between the ranks"
    checkpoint = weights(list_checkpoints(runs / "two" / "checkpoints")[-1])
    assert max_difference(checkpoint, rank0) == 0


def test_two_processes_equal_one_with_the_doubled_batch(runs):
    two = weights(list_checkpoints(runs / "two" / "checkpoints")[-1])
    one = weights(list_checkpoints(runs / "one" / "checkpoints")[-1])
    assert max_difference(two, one) < 1e-4
    # and the weights moved: the comparison is not between two untouched initialisations
    init = build_gan(config_from_dict(plain_config(B)))
    assert (two["generator.layers.0.weight"] - init.generator.state_dict()["layers.0.weight"]).abs().max() > 1e-4
    # the logged losses are the means over both ranks' batches, images/s counts both ranks
    a, b = log_ticks(runs / "two"), log_ticks(runs / "one")
    assert len(a) == len(b) == 3
    for x, y in zip(a, b):
        assert x["g_loss"] == pytest.approx(y["g_loss"], rel=1e-4)


def test_resume_with_one_process_continues_at_the_data_position(runs, small_photos, tmp_path, monkeypatch):
    """2 processes x batch B for 3 steps read positions 0..11; one process resuming reads on from 12."""
    ckpt = list_checkpoints(runs / "two" / "checkpoints")[-1]
    assert samples_consumed(ckpt, default=-1) == STEPS * 2 * B
    read: list[int] = []
    getitem = PhotoFolder.__getitem__
    monkeypatch.setattr(PhotoFolder, "__getitem__", lambda self, g: read.append(g) or getitem(self, g))

    shutil.copytree(runs / "two", tmp_path / "two")
    more = config_from_dict(plain_config(B, steps=STEPS + 2))
    resumed = train(more, small_photos, tmp_path / "two", resume=True, progress=False)
    assert resumed.step == STEPS + 2
    assert read[B:] == list(range(12, 12 + 2 * B)), "after the fixed sample rows, the loader reads on from 12"

    # the same continuation of the single-process run (which read 0..11 in 3 steps of 2B) ends alike
    shutil.copytree(runs / "one", tmp_path / "one")
    reference = train(more, small_photos, tmp_path / "one", resume=True, progress=False)
    assert max_difference(weights(resumed.checkpoint), weights(reference.checkpoint)) < 1e-4


def test_old_checkpoints_resume_at_step_times_batch(tmp_path, tiny_config):
    gan = build_gan(tiny_config)
    trainer = tiny_config.trainer.build(gan)
    save_checkpoint(tmp_path / "old.safetensors", gan, trainer.optimizers(), 5, {}, trainer)  # no samples
    assert samples_consumed(tmp_path / "old.safetensors", default=5 * 4) == 20
    save_checkpoint(tmp_path / "new.safetensors", gan, trainer.optimizers(), 5, {}, trainer, samples=40)
    assert samples_consumed(tmp_path / "new.safetensors", default=20) == 40
    with safe_open(str(tmp_path / "new.safetensors"), framework="pt") as f:
        assert f.metadata()["samples"] == "40"


def _collectives(rank: int, store: str, out: str) -> None:
    import torch.distributed as dist

    from gancore.engine.distributed import all_mean, average_buffers, average_gradients, broadcast_state

    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"file://{store}", rank=rank, world_size=2)
    try:
        torch.manual_seed(rank)  # different weights on each rank
        net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
        broadcast_state(net)
        net(torch.randn(8, 3) + rank).square().mean().backward()  # different data, gradients, statistics
        average_gradients(net.parameters())
        average_buffers(net)
        result = {f"param.{k}": v.detach() for k, v in net.named_parameters()}
        result.update({f"grad.{k}": v.grad for k, v in net.named_parameters()})
        result.update({f"buffer.{k}": v for k, v in net.named_buffers()})
        result["mean"] = all_mean(torch.tensor([float(rank), 2.0 * rank]))
        torch.save(result, f"{out}/rank-{rank}.pt")
    finally:
        dist.destroy_process_group()


def test_collectives_make_ranks_agree(tmp_path):
    """broadcast_state, average_gradients, average_buffers and all_mean on 2 gloo processes."""
    mp.spawn(_collectives, args=(str(tmp_path / "store"), str(tmp_path)), nprocs=2)
    r0, r1 = (torch.load(tmp_path / f"rank-{r}.pt") for r in (0, 1))
    for k in r0:
        assert torch.allclose(r0[k].float(), r1[k].float()), f"{k} differs between the ranks"
    assert torch.equal(r0["mean"], torch.tensor([0.5, 1.0]))
    assert int(r0["buffer.1.num_batches_tracked"]) == 1
