"""Checkpoints: one safetensors file holding weights, optimizer and RNG state; config as JSON metadata.

Layout of ``step-000250.safetensors``:

* tensors ``generator.*``, ``discriminator.*`` (state dicts, buffers included), ``ema.*`` (the
  EMA generator, when the ``ema`` trick is on), ``optim.<name>.<param index>.<key>`` (optimizer
  state), ``trainer.*`` (the trainer's own state: step counters, BEGAN's k, a gang's population),
  ``rng.torch`` (CPU generator state);
* metadata (strings): ``format``, ``step``, ``samples`` (the data position reached: real images
  consumed over all processes; absent in older checkpoints, where it was ``step * batch``),
  ``config`` (the resolved config JSON), ``optim`` (the optimizers' non-tensor state as JSON),
  ``rng`` (Python and NumPy generator state as JSON). RNG state is rank 0's.

Files are written to a temporary name and renamed, so a crash never leaves half a checkpoint.
Loading uses safetensors and JSON only: nothing is ever unpickled.
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import save_file

from ..errors import UserError

FORMAT = "gancore-checkpoint/1"
GENERATOR_FORMAT = "gancore-generator/1"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_save(tensors: dict[str, torch.Tensor], metadata: dict[str, str], path: Path) -> None:
    """Write a safetensors file via a temporary file in the same folder and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        save_file({k: v.detach().contiguous().cpu() for k, v in tensors.items()}, str(tmp), metadata=metadata)
        os.chmod(tmp, 0o666 & ~_umask())  # safetensors creates 0600; give the file the usual mode
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read(path: str | Path) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """All tensors and the metadata of a safetensors file; a UserError if it is not one."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"checkpoint not found: {path}")
    try:
        with safe_open(str(path), framework="pt") as f:
            meta = f.metadata() or {}
            tensors = {k: f.get_tensor(k) for k in f.keys()}
    except Exception as err:  # safetensors raises several types for a corrupt file
        raise UserError(f"{path}: not a readable safetensors checkpoint ({err})") from None
    return tensors, meta


def read_metadata(path: str | Path) -> dict[str, str]:
    """A safetensors file's metadata only (no tensor is read); a UserError if it is not one."""
    try:
        with safe_open(str(path), framework="pt") as f:
            return f.metadata() or {}
    except Exception as err:
        raise UserError(f"{path}: not a readable safetensors checkpoint ({err})") from None


def _optim_split(name: str, opt: torch.optim.Optimizer, tensors: dict[str, torch.Tensor]) -> dict[str, Any]:
    state = opt.state_dict()
    plain: dict[str, Any] = {"param_groups": state["param_groups"], "state": {}}
    for idx, entry in state["state"].items():
        plain["state"][str(idx)] = {}
        for key, value in entry.items():
            if torch.is_tensor(value):
                tensors[f"optim.{name}.{idx}.{key}"] = value
            else:
                plain["state"][str(idx)][key] = value
    return plain


def _optim_join(name: str, plain: dict[str, Any], tensors: dict[str, torch.Tensor]) -> dict[str, Any]:
    state: dict[int, dict[str, Any]] = {int(i): dict(v) for i, v in plain["state"].items()}
    prefix = f"optim.{name}."
    for key, value in tensors.items():
        if key.startswith(prefix):
            idx, field = key[len(prefix) :].split(".", 1)
            state.setdefault(int(idx), {})[field] = value
    return {"state": state, "param_groups": plain["param_groups"]}


def _networks(gan) -> list[tuple[str, torch.nn.Module]]:
    nets = [("generator", gan.generator), ("discriminator", gan.discriminator)]
    if getattr(gan, "ema", None) is not None:
        nets.append(("ema", gan.ema))
    return nets


def save_checkpoint(
    path: Path,
    gan,
    optimizers: dict[str, torch.optim.Optimizer],
    step: int,
    config_json: dict[str, Any],
    trainer=None,
    samples: int | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Everything needed to resume at ``step`` exactly (``trainer``: its ``state_dict()`` too;
    ``extra``: more JSON state under its own metadata keys, e.g. the validation's best so far).

    ``samples``: the data position reached (images read by all processes together), so a run
    resumed with another number of processes reads on from the same place.
    """
    tensors: dict[str, torch.Tensor] = {}
    for prefix, net in _networks(gan):
        tensors.update({f"{prefix}.{k}": v for k, v in net.state_dict().items()})
    if trainer is not None and hasattr(trainer, "state_dict"):
        tensors.update({f"trainer.{k}": v for k, v in trainer.state_dict().items()})
    optim = {name: _optim_split(name, opt, tensors) for name, opt in optimizers.items()}
    tensors["rng.torch"] = torch.get_rng_state()
    np_state = np.random.get_state()
    rng = {"python": random.getstate(), "numpy": [np_state[0], np_state[1].tolist(), *np_state[2:]]}
    meta = {
        "format": FORMAT,
        "step": str(step),
        **({"samples": str(samples)} if samples is not None else {}),
        "config": json.dumps(config_json),
        "optim": json.dumps(optim),
        "rng": json.dumps(rng),
        **{k: json.dumps(v) for k, v in (extra or {}).items()},
    }
    atomic_save(tensors, meta, path)


def load_checkpoint(path: Path, gan, optimizers: dict[str, torch.optim.Optimizer], trainer=None) -> int:
    """Restore networks, optimizers, the trainer's state and RNG from ``path``; returns its step.

    A checkpoint written without an EMA generator gives a newly enabled EMA the generator's weights.
    """
    tensors, meta = read(path)
    if meta.get("format") != FORMAT:
        raise UserError(
            f"{path}: not a training checkpoint (format {meta.get('format')!r}); a generator export cannot be resumed"
        )
    for prefix, net in _networks(gan):
        sub = {k[len(prefix) + 1 :]: v for k, v in tensors.items() if k.startswith(prefix + ".")}
        if prefix == "ema" and not sub:
            sub = gan.generator.state_dict()
        net.load_state_dict(sub)
    if trainer is not None and hasattr(trainer, "load_state_dict"):
        trainer.load_state_dict({k[len("trainer.") :]: v for k, v in tensors.items() if k.startswith("trainer.")})
    optim = json.loads(meta["optim"])
    for name, opt in optimizers.items():
        opt.load_state_dict(_optim_join(name, optim[name], tensors))
    torch.set_rng_state(tensors["rng.torch"])
    rng = json.loads(meta["rng"])
    py = rng["python"]
    random.setstate((py[0], tuple(py[1]), py[2]))
    np_state = rng["numpy"]
    np.random.set_state((np_state[0], np.array(np_state[1], dtype=np.uint32), *np_state[2:]))
    return int(meta["step"])


def samples_consumed(path: Path, default: int) -> int:
    """The data position a checkpoint reached, or ``default`` (``step * batch``) for one written before it was kept."""
    with safe_open(str(path), framework="pt") as f:
        meta = f.metadata() or {}
    return int(meta["samples"]) if "samples" in meta else default


def export_generator(path: Path, generator: torch.nn.Module, step: int, config_json: dict[str, Any]) -> None:
    """The generator alone, with its config: what ``load_generator`` needs, nothing more."""
    tensors = {f"generator.{k}": v for k, v in generator.state_dict().items()}
    meta = {"format": GENERATOR_FORMAT, "step": str(step), "config": json.dumps(config_json)}
    atomic_save(tensors, meta, path)


SAFETENSORS_TMP = re.compile(r"\.tmp[A-Za-z0-9]{6}")  # safetensors (0.8) writes through such a file, then renames


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete the ``.NAME.tmp-PID`` files a killed write left in ``folder``, and safetensors' own
    ``.tmpXXXXXX`` (its ``save_file`` writes the whole file there before renaming it to ours); the caller
    owns the folder, so no live writer is cut off."""
    if not folder.is_dir():
        return []
    stale = sorted(folder.glob(".*.tmp-*")) + sorted(
        p for p in folder.glob(".tmp*") if SAFETENSORS_TMP.fullmatch(p.name)
    )
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def list_checkpoints(folder: Path) -> list[Path]:
    """Training checkpoints in ``folder``, oldest first (names sort by step)."""
    return sorted(folder.glob("step-*.safetensors")) if folder.is_dir() else []
