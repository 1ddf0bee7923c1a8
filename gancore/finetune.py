"""Where ``train DIR`` starts when the user does not say: the rule, in one place.

For a folder of at most ``FINETUNE_MAX`` photos (what a person brings: 10-500 of their own) and no
``--config``, a run fine-tunes the app's shipped model: its own stored config (so the weights fit),
the generator's learning rate times ``G_LR_SCALE`` and the discriminator's (new, it starts from
scratch) times ``D_LR_SCALE``, half of every batch from the bundled photos the model trained on
(``gancore/data/replay.py``), for ``STEPS`` steps unless ``--steps`` or ``--minutes`` say otherwise.
A fine-tune at the full rate wrecks what the model knew before it learns the new photos (the colorizer
fell 1.17 dB below its start in 300 steps at 2e-4; at 2e-5, 0.6 dB in 52 steps); at 2e-6 with replay
it holds within a few tenths of a dB of its start on other photos for 600 steps. The held-out photos
pick the best step, and the start itself when no step beats it, so a fine-tune never leaves a user worse off on
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
G_LR_SCALE = 0.01
D_LR_SCALE = 0.1
STEPS = 1000


def describe() -> str:
    """The rule in a few words, for the line a run prints."""
    return f"its own config, learning rates x{G_LR_SCALE:g} (G) and x{D_LR_SCALE:g} (D)"


def finetune_config(model: Path, steps: int = STEPS, replay: Path | None = None) -> Config:
    """The config stored in ``model`` with its learning rates scaled (once: a fine-tuned model's config has
    ``train.fine_tune`` and keeps its rates), its steps set, ``replay`` (a folder of photos the model knew;
    ``None``: none) mixed in."""
    meta = read_metadata(model)
    if "config" not in meta:
        raise UserError(f"{model}: has no config metadata; was it written by gancore?")
    data = config_to_dict(config_from_dict(json.loads(meta["config"])))
    trainer = data["trainer"]
    if not data["train"].get("fine_tune"):  # a fine-tune's model has its rates scaled already
        for key, scale in (("g_learn_rate", G_LR_SCALE), ("d_learn_rate", D_LR_SCALE)):
            if key in trainer:
                trainer[key] = trainer[key] * scale
    if replay is not None and replay.is_dir():
        data["data"]["replay"] = str(replay)
    train = data["train"]
    train.update(steps=steps, init_generator=str(model), minutes=0.0, fine_tune=True)
    train["checkpoint_every"] = max(1, min(train.get("checkpoint_every", 250), steps // 8 or 1))
    train["sample_every"] = train["checkpoint_every"]
    schedule = trainer.get("lr_schedule")
    if isinstance(schedule, dict) and schedule.get("type", "constant") != "constant":
        schedule["steps"] = steps
    return config_from_dict(data)
