"""``train.init_generator``: a run's generator starts from a model's weights (a fine-tune), where they fit.

- A convolution whose input channels grew (the same network given a wider condition, e.g. the
  colorizer with colour hints) keeps the model's channels and starts the new ones at zero, so the
  run begins exactly where the model was, and learns to use its new inputs.
- A new head: the last weight layer may have another number of outputs (the colorizer's a*b* head
  turned into a bins head); that layer alone starts fresh (its own initialisation), with a note. Such
  a start is no finished model: the run's held-out check does not keep it (``Watch.start_is_model``).
  Every other mismatch is an error naming the model, unless ``train.init_partial`` is set: then every
  weight that does not fit (a layer changed in kind, e.g. a deconvolution made a resize-convolution)
  starts fresh, named in a note.
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch

from ..errors import UserError


def init_generator(gan, path: Path, partial: bool = False) -> list[str]:
    """G's (and its EMA copy's) weights from ``path``; a UserError when it is missing or does not fit.
    ``partial`` (``train.init_partial``): a weight that is missing there or of another shape anywhere keeps
    this generator's own initialisation, named in a note. Returns the keys that started fresh (a new head,
    or those), empty when the start is the model itself."""
    from .checkpoint import read

    tensors, _ = read(path)
    state = {k[len("generator.") :]: v for k, v in tensors.items() if k.startswith("generator.")}
    own = gan.generator.state_dict()
    head = last_layer(own)
    fresh = []
    for key, value in list(state.items()):
        mine = own.get(key)
        if mine is not None and mine.shape != value.shape and key.startswith(head):  # first: a transposed
            print(f"note: {path}: {key} is {tuple(value.shape)} there, {tuple(mine.shape)} here (a new head): "
                  "it starts fresh", file=sys.stderr)  # fmt: skip  # convolution's outputs are its dim 1
            state[key] = mine
            fresh.append(key)
        elif mine is not None and widened_inputs(value.shape, mine.shape):
            grown = torch.zeros(mine.shape, dtype=value.dtype)
            grown[:, : value.shape[1]] = value
            state[key] = grown
        elif partial and (mine is None or mine.shape != value.shape):
            del state[key]  # not this generator's, or of another shape: its own initialisation stays
    if partial:
        changed = [k for k in own if k not in state]
        if changed:
            print(f"note: {path}: {len(changed)} weights do not fit and start fresh (train.init_partial): "
                  + ", ".join(changed), file=sys.stderr)  # fmt: skip
            state.update({k: own[k] for k in changed})
            fresh += changed
    try:
        gan.generator.load_state_dict(state)
        if gan.ema is not None:
            gan.ema.load_state_dict(state)
    except RuntimeError as err:
        detail = " ".join(str(err).split())[:300]
        raise UserError(f"train.init_generator {path}: its weights do not fit this generator ({detail})") from None
    return fresh


def widened_inputs(old: torch.Size, new: torch.Size) -> bool:
    """Whether a conv weight ``(out, in, k, k)`` of shape ``old`` fits ``new`` by adding input channels."""
    return len(old) == len(new) == 4 and old[0] == new[0] and old[2:] == new[2:] and old[1] < new[1]


def last_layer(state: dict[str, torch.Tensor]) -> str:
    """The name prefix of a state dict's last weight layer (``"layers.27."``): its last key with a weight."""
    weights = [k for k in state if k.endswith(".weight") or k.endswith("weight_orig")]
    return weights[-1].rsplit(".", 1)[0] + "." if weights else "\0"
