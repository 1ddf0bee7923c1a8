"""The engine with the EMA trick and stateful trainers: checkpoints carry them, export and samples use the EMA."""

from __future__ import annotations

import torch
from safetensors import safe_open

from gancore.config import config_from_dict
from gancore.engine import train


def tensors(path, prefix):
    with safe_open(str(path), framework="pt") as f:
        return {k[len(prefix) :]: f.get_tensor(k) for k in f.keys() if k.startswith(prefix)}


def ema_config(tiny_dict, **train):
    tiny_dict["tricks"] = {"ema": 0.5}
    tiny_dict["train"].update(train)
    return config_from_dict(tiny_dict)


def test_ema_is_checkpointed_exported_and_resumed_exactly(tmp_path, tiny_dict, small_photos):
    straight = train(ema_config(tiny_dict, steps=4), small_photos, tmp_path / "a", progress=False)
    ema, live = tensors(straight.checkpoint, "ema."), tensors(straight.checkpoint, "generator.")
    assert ema.keys() == live.keys()
    assert any(not torch.equal(ema[k], live[k]) for k in ema if ema[k].is_floating_point())
    exported = tensors(straight.generator, "generator.")
    assert all(torch.equal(exported[k], ema[k]) for k in ema)  # generator.safetensors holds the EMA weights
    state = tensors(straight.checkpoint, "trainer.")
    assert int(state["iteration"]) == 4 and int(state["g_updates"]) == 4

    train(ema_config(tiny_dict, steps=2), small_photos, tmp_path / "b", progress=False)
    resumed = train(ema_config(tiny_dict, steps=4), small_photos, tmp_path / "b", resume=True, progress=False)
    for prefix in ("ema.", "generator.", "trainer."):
        a, b = tensors(straight.checkpoint, prefix), tensors(resumed.checkpoint, prefix)
        assert a.keys() == b.keys() and a
        for k in a:
            assert torch.allclose(a[k].float(), b[k].float(), atol=1e-6), f"{prefix}{k} differs after resume"


def test_old_checkpoints_without_ema_resume_with_ema(tmp_path, tiny_dict, small_photos):
    """Turning the EMA on for a run whose checkpoints have none starts the EMA from the generator."""
    import json

    plain = dict(tiny_dict, train={**tiny_dict["train"], "steps": 2})
    train(config_from_dict(plain), small_photos, tmp_path / "r", progress=False)
    cfg = json.loads((tmp_path / "r" / "config.json").read_text())
    cfg["tricks"]["ema"] = 0.9
    cfg["train"]["steps"] = 3
    (tmp_path / "r" / "config.json").write_text(json.dumps(cfg))
    result = train(config_from_dict(cfg), small_photos, tmp_path / "r", resume=True, progress=False)
    assert tensors(result.checkpoint, "ema.")


def test_a_killed_writes_temporaries_are_removed_ours_and_safetensors_own(tmp_path):
    """A kill inside ``atomic_save`` leaves ours (``.NAME.tmp-PID``) or, inside safetensors' ``save_file``,
    its own ``.tmpXXXXXX`` beside the target: both go at the next start; other files stay."""
    import threading

    from safetensors.torch import save_file

    from gancore.engine.checkpoint import remove_stale_temporaries

    seen: set[str] = set()  # what safetensors itself writes through, seen while it writes
    writer = threading.Thread(target=save_file, args=({"a": torch.zeros(50_000_000)}, str(tmp_path / "big.st")))
    writer.start()
    while writer.is_alive():
        seen |= {p.name for p in tmp_path.iterdir() if p.name != "big.st"}
    writer.join()
    assert seen and all(name.startswith(".tmp") for name in seen), seen
    ours, theirs = tmp_path / ".generator.safetensors.tmp-4242", tmp_path / sorted(seen)[0]
    keep = [tmp_path / "generator.safetensors", tmp_path / ".tmpnotes.txt", tmp_path / "notes.tmp"]
    for path in (ours, theirs, *keep):
        path.write_bytes(b"x")
    assert remove_stale_temporaries(tmp_path) == [ours, theirs]
    assert not ours.exists() and not theirs.exists() and all(p.exists() for p in keep)
