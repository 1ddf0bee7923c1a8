"""The training loop: run folder contents, checkpoints that reload exactly, resume at the same step."""

from __future__ import annotations

import dataclasses
import json

import pytest
import torch
from safetensors import safe_open

from gancore.engine import train
from gancore.engine.checkpoint import list_checkpoints
from gancore.errors import UserError
from gancore.inference import load_generator
from tests.helpers import log_ticks


def weights(path):
    with safe_open(str(path), framework="pt") as f:
        return {k: f.get_tensor(k) for k in f.keys() if k.startswith("generator.")}


def test_run_folder(tmp_path, tiny_config, small_photos):
    run = tmp_path / "run"
    result = train(tiny_config, small_photos, run, progress=False)
    assert result.step == 4
    assert json.loads((run / "config.json").read_text())["data"]["size"] == 32
    assert sorted(p.name for p in (run / "samples").iterdir()) == ["step-000002.png", "step-000004.png"]
    assert list((run / "tensorboard").glob("events.out.tfevents.*"))
    assert [t["step"] for t in log_ticks(run)] == [2, 4]
    assert [p.name for p in list_checkpoints(run / "checkpoints")] == [
        "step-000002.safetensors",
        "step-000004.safetensors",
    ]
    assert not list(run.rglob("*.tmp*")), "atomic writes leave no temporary files"


def test_checkpoint_reloads_identical_generator(tmp_path, tiny_config, small_photos):
    from gancore.gan import build_gan

    result = train(tiny_config, small_photos, tmp_path / "run", progress=False)
    torch.manual_seed(0)
    x = torch.rand(2, 1, 32, 32) * 2 - 1
    for path in (result.generator, result.checkpoint):
        _, gen, cfg = load_generator(path)
        assert cfg == tiny_config
        assert not gen.training
        y = gen({"condition": x})
        # the same weights put into a fresh network by hand give the same output
        ref = build_gan(tiny_config).generator.eval()
        ref.load_state_dict({k[len("generator.") :]: v for k, v in weights(path).items()})
        assert torch.equal(y, ref({"condition": x}))


@pytest.mark.parametrize("replay", [False, True], ids=["own-photos", "with-replay"])
def test_resume_equals_uninterrupted(tmp_path, tiny_config, small_photos, replay):
    if replay:  # a fine-tune's batches: half the user's crops, half the replayed photos'
        folder = tmp_path / "replay"
        folder.mkdir()
        for src in sorted(small_photos.rglob("*.*"))[3:]:
            (folder / src.name).write_bytes(src.read_bytes())
        tiny_config = tiny_config.replace("data", replay=str(folder), replay_share=0.5)
    straight = train(tiny_config.replace("train", steps=4), small_photos, tmp_path / "a", progress=False)
    train(tiny_config.replace("train", steps=2), small_photos, tmp_path / "b", progress=False)
    resumed = train(tiny_config.replace("train", steps=4), small_photos, tmp_path / "b", resume=True, progress=False)
    assert resumed.step == 4
    a, b = weights(straight.checkpoint), weights(resumed.checkpoint)
    assert a.keys() == b.keys()
    for k in a:
        assert torch.allclose(a[k], b[k], atol=1e-6), f"{k} differs after resume"


def test_resume_refusals(tmp_path, tiny_config, small_photos):
    with pytest.raises(UserError, match="no checkpoint"):
        train(tiny_config, small_photos, tmp_path / "empty", resume=True, progress=False)
    train(tiny_config, small_photos, tmp_path / "r", progress=False)
    with pytest.raises(UserError, match="already holds checkpoints"):
        train(tiny_config, small_photos, tmp_path / "r", progress=False)
    with pytest.raises(UserError, match="already at step 4"):
        train(tiny_config, small_photos, tmp_path / "r", resume=True, progress=False)


def test_load_generator_rejects_garbage(tmp_path):
    bad = tmp_path / "model.safetensors"
    bad.write_bytes(b"\x00" * 64)
    with pytest.raises(UserError, match="not a readable safetensors"):
        load_generator(bad)
    with pytest.raises(UserError, match="checkpoint not found"):
        load_generator(tmp_path / "missing.safetensors")


def test_checkpoint_files_get_the_usual_mode(tmp_path, tiny_config, small_photos):
    import os
    import stat

    result = train(tiny_config, small_photos, tmp_path / "run", progress=False)
    mask = os.umask(0)
    os.umask(mask)
    for path in (result.generator, result.checkpoint):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def test_init_generator_starts_from_the_given_weights(tmp_path, tiny_config, small_photos):
    first = train(tiny_config.replace("train", steps=2), small_photos, tmp_path / "a", progress=False)
    options = dataclasses.replace(tiny_config.trainer.options, g_learn_rate=0.0)
    cfg = dataclasses.replace(tiny_config, trainer=dataclasses.replace(tiny_config.trainer, options=options))
    cfg = cfg.replace("train", steps=2, init_generator=str(first.generator))
    second = train(cfg, small_photos, tmp_path / "b", progress=False)
    a, b = weights(first.generator), weights(second.generator)
    assert a.keys() == b.keys()
    for k in a:  # G's learning rate is 0: it is still exactly the weights it started from
        if "running" not in k and "num_batches" not in k:
            assert torch.equal(a[k], b[k]), k
    bad = tiny_config.replace("train", steps=1, init_generator=str(tmp_path / "missing.safetensors"))
    with pytest.raises(UserError, match="checkpoint not found"):
        train(bad, small_photos, tmp_path / "c", progress=False)


def test_train_threads_sets_torch_threads(tmp_path, tiny_config, small_photos):
    """``train.threads``: the run's intra-op threads (0 leaves torch's); a value out of range names its path."""
    from gancore.config import config_from_dict, config_to_dict
    from gancore.errors import ConfigError

    before = torch.get_num_threads()
    try:
        train(tiny_config.replace("train", threads=1, steps=2), small_photos, tmp_path / "one", progress=False)
        assert torch.get_num_threads() == 1
        torch.set_num_threads(2)
        train(tiny_config.replace("train", threads=0, steps=2), small_photos, tmp_path / "default", progress=False)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
    bad = config_to_dict(tiny_config)
    bad["train"]["threads"] = -1
    with pytest.raises(ConfigError, match=r"train.threads: must be 0"):
        config_from_dict(bad)


def test_a_config_asking_for_more_loader_workers_than_cores_gets_one_per_core(tmp_path, tiny_config, small_photos):
    """A shipped model's config names the workers of the machine it trained on (the inpainter's: 4); on
    a smaller machine the loader starts one per usable core, without torch's warning about it."""
    import os
    import warnings

    cores = len(os.sched_getaffinity(0))
    started = []
    real = torch.utils.data.DataLoader.__init__

    def spy(self, *args, **kwargs):
        started.append(kwargs.get("num_workers", 0))
        real(self, *args, **kwargs)

    torch.utils.data.DataLoader.__init__ = spy
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            cfg = tiny_config.replace("data", workers=cores + 3).replace("train", steps=2)
            train(cfg, small_photos, tmp_path / "run", progress=False)
    finally:
        torch.utils.data.DataLoader.__init__ = real
    assert started == [cores]
    assert not [w for w in caught if "worker processes in total" in str(w.message)]
