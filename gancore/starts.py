"""Which shipped model a default fine-tune starts from: the one that scores best on the user's held-out photos.

An app may ship several models of one task (the colorizer: ``colorizer`` and the more colourful
``colorizer-vivid``). Before a default fine-tune (``gancore/finetune.py``), each shipped model of the app
that takes the same condition as its default model is scored on the run's held-out crops by the task's
headline measure (the colorizer: RGB PSNR); the best one starts the run, the default on a tie. A model
that suits the user's kind of photo is worth more than minutes of fine-tuning on a few of them.

    start, scores = best_start(app.default_model, split.val)   # -> (path, {model name: score})
"""

from __future__ import annotations

from pathlib import Path

import torch


def same_condition(task, other, size: int) -> bool:
    """Whether two tasks read the same condition: the same task type and condition shape (a hint model's
    extra channels, or another scale, make a model a different kind of start)."""
    return task.name == other.name and tuple(task.shapes(size)["condition"]) == tuple(other.shapes(size)["condition"])


def scores_of(path: Path, validator, size: int, latent) -> dict[str, float] | None:
    """A model file's scores on ``validator``'s crops, or ``None`` when it cannot be compared fairly there:
    unreadable, of another task, another condition (``same_condition``) or another latent."""
    from .errors import UserError
    from .inference import load_generator

    try:
        task, gen, cfg = load_generator(path, validator.device, task=validator.task.name)
    except UserError:
        return None
    if not same_condition(task, validator.task, size) or cfg.latent != latent:
        return None
    return validator.scores(validator.loaded_outputs(task, gen))


def shipped_starts(default_model: Path) -> list[Path]:
    """The default model, then the other ``<name>*.safetensors`` beside it (sorted)."""
    default_model = Path(default_model)
    others = sorted(p for p in default_model.parent.glob(f"{default_model.stem}*.safetensors") if p != default_model)
    return [default_model, *others]


@torch.no_grad()
def best_start(default_model: Path, val: list[Path], crops: int = 4, seed: int = 0) -> tuple[Path, dict[str, float]]:
    """The shipped model with the best headline score on ``val``'s fixed crops, and every candidate's score.

    Only models that take the default model's condition compete; with one candidate, or no held-out
    photo, the default model is returned unscored (``{}``)."""
    from .engine.validation import Validator, rule_for
    from .inference import load_generator

    candidates = shipped_starts(default_model)
    if len(candidates) == 1 or not val:
        return Path(default_model), {}
    task, gen, cfg = load_generator(default_model, "cpu")
    rule = rule_for(task)
    validator = Validator(task, list(val), cfg.data.size, crops, seed, torch.device("cpu"), cfg.latent.options.dim)
    scores = {default_model.stem: validator.scores(validator.loaded_outputs(task, gen))[rule.measure]}
    best = Path(default_model)
    for path in candidates[1:]:
        found = scores_of(path, validator, cfg.data.size, cfg.latent)
        if found is None:
            continue  # another task or input, or unreadable: not a start
        value = scores[path.stem] = found[rule.measure]
        if rule.better(value, scores[best.stem]):
            best = path
    return best, scores
