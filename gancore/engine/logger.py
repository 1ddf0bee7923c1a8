"""Training scalars to TensorBoard and to ``metrics.jsonl`` (one JSON object per log tick)."""

from __future__ import annotations

import json
from pathlib import Path

from torch.utils.tensorboard import SummaryWriter


class ScalarLog:
    def __init__(self, run_dir: Path):
        self.tb = SummaryWriter(log_dir=str(run_dir / "tensorboard"))
        self.jsonl = open(run_dir / "metrics.jsonl", "a")  # noqa: SIM115  (closed in close())

    def write(self, step: int, scalars: dict[str, float]) -> None:
        for key, value in scalars.items():
            self.tb.add_scalar(key, value, step)
        self.jsonl.write(json.dumps({"step": step, **scalars}) + "\n")
        self.jsonl.flush()

    def close(self) -> None:
        self.tb.close()
        self.jsonl.close()
