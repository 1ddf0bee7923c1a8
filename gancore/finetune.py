"""Where ``train DIR`` starts when the user does not say: the rule, in one place.

For a folder of at most ``FINETUNE_MAX`` photos (what a person brings: 10-500 of their own) and no
``--config``, a run fine-tunes the app's shipped model: its own stored config (so the weights fit),
both learning rates times ``LR_SCALE`` (a fine-tune at the full rate wrecks what the model knew before
it learns the new photos: the colorizer fell 1.17 dB below its start in 300 steps at 2e-4), for
``STEPS`` steps unless ``--steps`` or ``--minutes`` say otherwise. The held-out photos pick the best
step, and the start itself when no step beats it, so a fine-tune never leaves a user worse off on
their own kind of photo. More photos, or ``--config``, or ``--init-generator none``: from scratch with
the app's default config.
"""

from __future__ import annotations

import json
from pathlib import Path

from .config import Config, config_from_dict, config_to_dict
from .engine.checkpoint import read_metadata
from .errors import UserError

FINETUNE_MAX = 500
LR_SCALE = 0.1
STEPS = 1000


def finetune_config(model: Path, lr_scale: float = LR_SCALE, steps: int = STEPS) -> Config:
    """The config stored in ``model`` with its learning rates scaled, its steps set and no EMA restart."""
    meta = read_metadata(model)
    if "config" not in meta:
        raise UserError(f"{model}: has no config metadata; was it written by gancore?")
    data = config_to_dict(config_from_dict(json.loads(meta["config"])))
    trainer = data["trainer"]
    for key in ("g_learn_rate", "d_learn_rate"):
        if key in trainer:
            trainer[key] = trainer[key] * lr_scale
    train = data["train"]
    train.update(steps=steps, init_generator=str(model), minutes=0.0)
    train["checkpoint_every"] = max(1, min(train.get("checkpoint_every", 250), steps // 8 or 1))
    train["sample_every"] = train["checkpoint_every"]
    schedule = trainer.get("lr_schedule")
    if isinstance(schedule, dict) and schedule.get("type", "constant") != "constant":
        schedule["steps"] = steps
    return config_from_dict(data)
