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


def load_generator(path: str | Path, device: torch.device | str = "cpu"):
    """Returns ``(task, generator, config)``; the generator is in eval mode with gradients off."""
    tensors, meta = read(path)
    if "config" not in meta:
        raise UserError(f"{path}: has no config metadata; was it written by gancore?")
    try:
        cfg: Config = config_from_dict(json.loads(meta["config"]))
    except ConfigError as err:
        raise UserError(f"{path}: its stored config is invalid: {err}") from None
    task, gen = build_generator(cfg)
    state = {k[len("generator.") :]: v for k, v in tensors.items() if k.startswith("generator.")}
    try:
        gen.load_state_dict(state)
    except RuntimeError as err:
        raise UserError(f"{path}: weights do not match its config ({err})") from None
    gen.eval().requires_grad_(False).to(device)
    return task, gen, cfg
