"""Training scalars to TensorBoard and to ``metrics.jsonl`` (one JSON object per log tick)."""

from __future__ import annotations

import json
from pathlib import Path

from torch.utils.tensorboard import SummaryWriter


def truncate_after(path: Path, step: int) -> None:
    """Drop the rows of ``metrics.jsonl`` past ``step`` (a resumed run writes them again, once)."""
    if not path.is_file():
        return
    kept = []
    for line in path.read_text().splitlines():
        try:
            if json.loads(line).get("step", 0) <= step:
                kept.append(line)
        except ValueError:  # a line cut off by a kill
            continue
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text("".join(f"{line}\n" for line in kept))
    tmp.replace(path)


class ScalarLog:
    """``after``: the step a resumed run continues from; rows logged past it before the interruption go."""

    def __init__(self, run_dir: Path, after: int | None = None):
        if after is not None:
            truncate_after(run_dir / "metrics.jsonl", after)
        self.tb = SummaryWriter(log_dir=str(run_dir / "tensorboard"), purge_step=None if after is None else after + 1)
        self.jsonl = open(run_dir / "metrics.jsonl", "a")  # noqa: SIM115  (closed in close())

    def write(self, step: int, scalars: dict[str, float]) -> None:
        for key, value in scalars.items():
            self.tb.add_scalar(key, value, step)
        self.jsonl.write(json.dumps({"step": step, **scalars}) + "\n")
        self.jsonl.flush()

    def close(self) -> None:
        self.tb.close()
        self.jsonl.close()
