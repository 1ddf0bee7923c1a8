"""Rebuild a generator from a checkpoint file alone (training checkpoint or generator export).

task, G, cfg = load_generator("assets/models/colorizer.safetensors")
ab = G({"condition": light})          # G is in eval mode, on the CPU
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

from .config import Config, config_from_dict
from .engine.checkpoint import read
from .errors import ConfigError, UserError
from .gan import build_generator

MAX_PARAMETERS = 2**30  # a stored generator may hold at most ~1 G parameters (4 GB in fp32)


def load_generator(path: str | Path, device: torch.device | str = "cpu", task: str | None = None):
    """Returns ``(task, generator, config)``; the generator is in eval mode with gradients off.

    ``task``: the task type the caller serves (``"colorizer"``, ...); a model of another task is
    refused. The stored config is checked like any config, and the network is first built on
    PyTorch's ``meta`` device (shapes only, no memory) so a crafted file cannot make us allocate
    more than ``MAX_PARAMETERS`` parameters. Nothing in the file is executed or unpickled.
    """
    tensors, meta = read(path)
    if "config" not in meta:
        raise UserError(f"{path}: has no config metadata; was it written by gancore?")
    try:
        cfg: Config = config_from_dict(json.loads(meta["config"]))
    except ConfigError as err:
        raise UserError(f"{path}: its stored config is invalid: {err}") from None
    except ValueError as err:  # malformed JSON
        raise UserError(f"{path}: its stored config is not valid JSON ({err})") from None
    if task is not None and cfg.task.type != task:
        article = "an" if task[:1] in "aeiou" else "a"
        raise UserError(f"{path}: is a {cfg.task.type} model, not {article} {task} one")
    with torch.device("meta"):
        _, probe = build_generator(cfg)
    count = sum(p.numel() for p in probe.parameters()) + sum(b.numel() for b in probe.buffers())
    if count > MAX_PARAMETERS:
        raise UserError(f"{path}: its generator would hold {count:,} parameters (limit {MAX_PARAMETERS:,})")
    stored = sum(v.numel() for k, v in tensors.items() if k.startswith("generator."))
    if stored > MAX_PARAMETERS:
        raise UserError(f"{path}: stores {stored:,} generator values (limit {MAX_PARAMETERS:,})")
    task_, gen = build_generator(cfg)
    state = {k[len("generator.") :]: v for k, v in tensors.items() if k.startswith("generator.")}
    for key, value in state.items():  # a diverged or damaged model would write black pictures in silence
        if value.is_floating_point() and not torch.isfinite(value).all():
            raise UserError(f"{path}: its weights hold NaN or infinite values ({key}); the model is broken "
                            "(a run that diverged?): use another checkpoint")  # fmt: skip
    try:
        gen.load_state_dict(state)
    except RuntimeError as err:
        detail = " ".join(str(err).split())  # torch lists every key on its own line
        detail = detail if len(detail) <= 300 else detail[:297] + "..."
        raise UserError(f"{path}: weights do not match its config ({detail})") from None
    gen.eval().requires_grad_(False).to(device)
    return task_, gen, cfg
