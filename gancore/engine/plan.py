"""Where a run's held-out photos come from, what it starts from, and the shipped model to compare with."""

from __future__ import annotations

import json
from pathlib import Path

from ..data.split import Split, relative_name, split_folder
from ..errors import UserError

SPLIT_FILE = "validation.json"  # in the run folder: the held-out photos, so a resume holds out the same ones


def held_out(run_dir: Path, data_dir: Path, split: Split | None, resume: bool, seed: int, write: bool) -> Split:
    """The run's split: on a resume the one it started with; else ``split`` or the folder's default."""
    path = run_dir / SPLIT_FILE
    if resume and path.is_file():
        saved = json.loads(path.read_text())
        val = [Path(p) if Path(p).is_absolute() else data_dir / p for p in saved["validation"]]
        from ..data import require_images

        held = {p.resolve() for p in val}
        train = [p for p in require_images(data_dir) if p.resolve() not in held]
        return Split(train, val, saved.get("note", f"validation: {len(val)} photos (as the run started)"))
    if resume:  # a run from before held-out photos existed: it trained on every photo, and goes on so
        from ..data.split import no_split

        return no_split(data_dir)
    split = split or split_folder(data_dir, seed)
    if not split.train:
        raise UserError(f"no photo left to train on under {data_dir}")
    if write:
        run_dir.mkdir(parents=True, exist_ok=True)
        names = [relative_name(p, data_dir) for p in split.val]
        trained = [relative_name(p, data_dir) for p in split.train]  # so a continuation can hold out others
        record = {"data": str(data_dir), "data_resolved": str(Path(data_dir).resolve()), "validation": names,
                  "train": len(split.train), "trained_on": trained, "note": split.note}  # fmt: skip
        path.write_text(json.dumps(record, indent=2) + "\n")
    return split


def continuation_split(start: Path, data_dir: Path, seed: int = 0) -> Split | None:
    """The split of a run that starts from ``start``, a model another run made (its folder, or a file in it
    or in its checkpoints/, holds that run's ``validation.json``): its held-out photos stay held out
    (``split.continued_split``); ``None`` when ``start`` is no run's model or its record names no photo of
    ``data_dir``."""
    start = Path(start)
    for folder in (start, start.parent, start.parent.parent):
        record = folder / SPLIT_FILE
        if record.is_file():
            break
    else:
        return None
    try:
        saved = json.loads(record.read_text())
        base = Path(saved.get("data_resolved") or saved["data"])
        held = {_under(base, name) for name in saved["validation"]}
        trained = {_under(base, name) for name in saved["trained_on"]} if "trained_on" in saved else None
    except (OSError, ValueError, KeyError, TypeError) as err:
        print(f"warning: {record} is unreadable ({err}); the held-out photos are chosen afresh")
        return None
    from ..data.split import continued_split

    return continued_split(data_dir, held, trained, f"{folder.name}'s model", seed)


def _under(base: Path, name: str) -> Path:
    path = Path(name)
    return (path if path.is_absolute() else base / path).resolve()


def same_file(a: str | Path | None, b: str | Path | None) -> bool:
    try:
        return a is not None and b is not None and Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def start_name(cfg, reference: Path | None) -> str:
    init = cfg.train.init_generator
    if init is None:
        return "the untrained start"
    if same_file(init, reference):
        return "the shipped model"
    if reference is not None and same_file(Path(init).parent, Path(reference).parent):
        return f"the shipped model {Path(init).stem}"
    return f"the start model ({init})"


def reference_scores(reference: Path | None, cfg, watch) -> dict[str, float] | None:
    """The shipped model's scores on the run's crops: only when it is not the start itself (a start with
    layers that started fresh is not) and its task takes the same condition (then the comparison is
    fair); else ``None``."""
    if reference is None or not Path(reference).is_file():
        return None
    if watch.start_is_model and same_file(cfg.train.init_generator, reference):
        return None  # the start's scores are the shipped model's (a start with fresh layers is not it)
    from ..starts import scores_of

    return scores_of(reference, watch.validator, cfg.data.size, cfg.latent)


def with_replay(data, cfg, val: list[Path], announce: bool, ranks: int = 1):
    """``data`` (the user's crops) mixed with ``cfg.data.replay``'s photos at ``cfg.data.replay_share``
    (``gancore/data/replay.py``), less near-duplicates of the held-out ``val``; ``data`` itself without
    one; ``ranks``: the processes reading it, each every ``ranks``-th position. A replay folder that is
    missing or holds no image is a ``UserError``."""
    d = cfg.data
    if not d.replay or d.replay_share == 0:
        return data
    from ..data import PhotoFolder
    from ..data.replay import Replayed, replay_files

    folder = Path(d.replay)
    if not folder.is_dir():
        raise UserError(f"data.replay: not a folder: {folder}")
    files = replay_files(folder, val)
    if not files:
        if announce:
            print(f"replay: every photo under {folder} is one of the held-out ones; none mixed in")
        return data
    replay = PhotoFolder(folder, d.size, cfg.train.seed + 1, d.scale_min, cache=d.cache, upscale=d.upscale,
                         files=files)  # fmt: skip
    if announce:
        print(f"replay: {d.replay_share:.0%} of every batch from {len(files)} photos under {folder} "
              f"(what the start model knew, so it keeps it)")  # fmt: skip
    return Replayed(data, replay, d.replay_share, stride=ranks)
