"""The validation split of a training folder: photos set aside, never trained on, scored at every check.

``split_folder(root)`` keeps a deterministic share of the photos for validation (``VAL_SHARE``, at
least ``VAL_MIN``, at most ``VAL_MAX``). Near-duplicates (the same scene in a burst, a photo and its
crop: ``dedupe.near_duplicate``) are grouped first and a group goes to one side whole, so validation
never scores a picture the model trained on in another size. Which groups go to validation depends
only on their files' names (a hash), not on the order they were found or the machine: the same folder
always splits the same way.

With fewer than ``FEW`` photos there is no split (too few to spare one): training uses them all and
the run says so; with fewer than ``WARN`` the split is made and the note says how rough a guide a
score on so few photos is.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from .dedupe import dhash, near_duplicate
from .images import BadImage, open_image, require_images

VAL_SHARE = 0.15  # of the photos (of the groups of near-duplicates, by count of photos)
VAL_MIN = 2
VAL_MAX = 50
FEW = 5  # fewer photos than this: no split
WARN = 20  # fewer than this: a split, with a note on how little it says
NOISE_DB = 0.3  # with fewer than WARN, a difference in dB under this may be noise


def photos(n: int, kind: str = "") -> str:
    """``"1 photo"``, ``"2 held-out photos"``: a count of photos as the run's messages say it."""
    return f"{n} {kind + ' ' if kind else ''}photo{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class Split:
    train: list[Path]
    val: list[Path]
    note: str  # one line for the user: how many, and what that means


def fingerprints(files: list[Path]) -> list[tuple[int, tuple[int, int]] | None]:
    found = []
    for p in files:
        try:
            with open_image(p) as im:
                im.draft("L", (64, 64))  # JPEG: decode at 1/8 scale, enough for a 9 x 8 hash
                found.append((dhash(im), im.size))
        except (BadImage, OSError, Image.DecompressionBombError):
            found.append(None)  # unreadable: its own group (training reports it when it reads it)
    return found


def groups(files: list[Path]) -> list[list[int]]:
    """Indices of ``files`` grouped by near-duplicates (union-find over every pair; fine for thousands)."""
    prints = fingerprints(files)
    parent = list(range(len(files)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(prints):
        for j in range(i + 1, len(files)):
            b = prints[j]
            if a is not None and b is not None and near_duplicate(a[0], a[1], b[0], b[1]):
                parent[root(j)] = root(i)
    found: dict[int, list[int]] = {}
    for i in range(len(files)):
        found.setdefault(root(i), []).append(i)
    return list(found.values())


def _rank(names: list[str], seed: int) -> str:
    return hashlib.sha256(f"{seed}:{min(names)}".encode()).hexdigest()


def split_folder(
    root: str | Path, seed: int = 0, share: float = VAL_SHARE, grouped: list[list[int]] | None = None
) -> Split:
    """The training and validation files of ``root`` (both sorted), and a note for the user; ``grouped``:
    ``groups(require_images(root))`` when the caller has it already."""
    root = Path(root)
    files = require_images(root)
    n = len(files)
    if n < FEW:
        return Split(files, [], f"only {n} photos: all are used for training and none is held out, so "
                                "nothing checks the model on a photo it did not see (--val DIR gives one)")  # fmt: skip
    want = min(VAL_MAX, max(VAL_MIN, round(share * n)))
    names = [p.relative_to(root).as_posix() for p in files]
    order = sorted(grouped or groups(files), key=lambda g: _rank([names[i] for i in g], seed))
    val: list[int] = []
    for g in order:
        if len(val) >= want:
            break
        if len(val) + len(g) <= want + 1 and n - len(val) - len(g) >= FEW - 1:  # a big burst stays in training
            val += g
    train = sorted(set(range(n)) - set(val))
    note = f"validation: {len(val)} of {n} photos held out (never trained on), scored at every check"
    if n < WARN:
        note += f"; with so few, a score on {photos(len(val))} is a rough guide: differences under ~{NOISE_DB:g} dB"
        note += " may be noise"
    return Split([files[i] for i in train], [files[i] for i in sorted(val)], note)


def continued_split(
    root: str | Path, held: set[Path], trained: set[Path] | None, start: str, seed: int = 0
) -> Split | None:
    """The split of a run that continues an earlier one's model (``--init-generator RUN``) on ``root``: the
    photos the earlier run held out (``held``, resolved paths) stay held out, so the check never scores a
    photo the start trained on; of the photos it did not train on (``trained``, resolved; ``None`` when its
    record does not say, then no other photo joins), the groups the default split would hold out join them,
    and so do near-duplicates of a held-out photo. ``None`` when no photo of ``root`` qualifies."""
    root = Path(root)
    files = require_images(root)
    real = [p.resolve() for p in files]
    grouped = groups(files)
    default = {p.resolve() for p in split_folder(root, seed, grouped=grouped).val}
    unseen = [trained is not None and r not in trained for r in real]
    val: set[int] = set()
    kept = added = 0
    for g in grouped:
        if any(real[i] in held for i in g):
            joins = [i for i in g if real[i] in held or unseen[i]]
        elif all(unseen[i] for i in g) and any(real[i] in default for i in g):
            joins = g
        else:
            continue
        val.update(joins)
        kept += sum(real[i] in held for i in joins)
        added += sum(real[i] not in held for i in joins)
    if not val:
        return None
    n = len(files)
    which = ([f"the {photos(kept)} {start} was checked on"] if kept else []) + (
        [f"{photos(added)} it never trained on"] if added else []
    )
    note = f"validation: {len(val)} of {n} photos held out: {' and '.join(which)}"
    note += " (a continuation is never checked on a photo its start trained on)"
    if n < WARN:
        note += f"; with so few, differences under ~{NOISE_DB:g} dB may be noise"
    return Split([files[i] for i in range(n) if i not in val], [files[i] for i in sorted(val)], note)


def given_split(train_root: str | Path, val_root: str | Path) -> Split:
    """``--val DIR``: every photo of ``train_root`` trains, those of ``val_root`` validate."""
    train, val = require_images(train_root), require_images(val_root)
    return Split(train, val, f"validation: the {len(val)} photos of {val_root}")


def no_split(root: str | Path) -> Split:
    """``--val none``: every photo trains; no check, the last model is kept."""
    files = require_images(root)
    return Split(files, [], "validation: none (--val none): the last model is kept, unchecked")


def relative_name(path: Path, root: Path) -> str:
    """``path`` as a name under ``root`` (as listed there: a link into another folder keeps its name under
    ``root``), else under ``root`` once both are resolved, else absolute: what a run records of its photos,
    so it reads the same on another machine or from a moved checkout."""
    for a, b in ((Path(path).absolute(), Path(root).absolute()), (Path(path).resolve(), Path(root).resolve())):
        try:
            return a.relative_to(b).as_posix()
        except ValueError:
            pass
    return str(Path(path).resolve())
