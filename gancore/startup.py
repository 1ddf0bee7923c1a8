"""How ``train`` starts: the held-out photos (``--val``), the config (``--config``, a fine-tune of the
shipped model, or the app's default) and a check that the networks fit the crop size. Used by ``cli.py``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UserError

if TYPE_CHECKING:
    from .app import App
    from .config import Config


def held_out_split(a: argparse.Namespace, init: Path | None = None):
    """The held-out photos: ``--val DIR``, ``--val none``, those of the run ``init`` came from (a
    continuation is checked on photos its start never trained on), or a share of the training folder."""
    from .data.split import given_split, no_split, split_folder
    from .engine.plan import continuation_split

    if a.val is None:
        return (init and continuation_split(init, a.data)) or split_folder(a.data)
    if a.val == "none":
        return no_split(a.data)
    val = Path(a.val)
    if not val.is_dir():
        raise UserError(f"--val: not a folder: {val} (or 'none')")
    return given_split(a.data, val)


def start_config(app: App, a: argparse.Namespace, init: Path | None, split) -> Config:
    """The config a new run starts with: ``--config``, a fine-tune of the shipped model that suits the
    held-out photos best (gancore/starts.py, gancore/finetune.py), or the app's default."""
    from .config import load_config
    from .data.split import photos as count
    from .finetune import FINETUNE_MAX, describe, finetune_config
    from .starts import best_start

    photos = len(split.train) + len(split.val)
    if a.config:
        return load_config(a.config)
    if a.init_generator is None and photos <= FINETUNE_MAX and app.default_model.is_file():
        start, scores = best_start(app.default_model, split.val)
        if len(scores) > 1:
            listed = ", ".join(f"{name} {value:.2f}" for name, value in scores.items())
            print(
                f"the shipped models on your {count(len(split.val), 'held-out')}: {listed}; starting from {start.stem}"
            )
        cfg = finetune_config(start, replay=app.replay)
        print(f"fine-tuning the shipped model {start.stem} on your {photos} photos ({describe()}); "
              f"--init-generator none trains from scratch instead")  # fmt: skip
        return cfg
    if init is not None:  # a named start: its own config (so the weights fit), fine-tuned by the same rule
        print(f"fine-tuning {init} ({describe()})")
        return finetune_config(init, replay=app.replay)
    return load_config(app.default_config)


def check_size(cfg: Config) -> None:
    """Build both networks on the meta device at ``data.size``; if they do not fit that size but do
    fit others (a U-Net's skips need a multiple of 2^levels), say which sizes work."""
    import math

    import torch

    from .errors import ConfigError
    from .gan import build_gan

    def fits(size: int) -> bool:
        try:
            with torch.device("meta"):
                build_gan(cfg.replace("data", size=size))
            return True
        except ConfigError:
            return False

    try:
        with torch.device("meta"):
            build_gan(cfg)
        return
    except ConfigError as err:
        size = cfg.data.size
        good = [s for s in range(8, max(520, 2 * size + 8), 8) if s != size and fits(s)]
        if not good:
            raise
        step = math.gcd(*good)
        lower = [s for s in good if s < size]
        near = [s for s in (lower[-1] if lower else None, next((s for s in good if s > size), None)) if s]
        raise UserError(
            f"data.size {size} does not fit these networks ({err}); sizes that work are multiples of {step}, "
            f"e.g. {' or '.join(map(str, near))}"
        ) from None
