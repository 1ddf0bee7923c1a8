"""A time budget for a run (``train.minutes``, ``--minutes``): the steps fitted to it, not a cut-off.

The clock starts when training starts (setup, caching and the step-0 scores count). After the first
steps (``PROBE_STEPS``, at least ``PROBE_SECONDS``) the time of a step and of a check are known, and the
run is planned: as many steps as fit in what is left, less a reserve for the last check and the report,
with about ``CHECKS`` checks (and checkpoints) spread over them so the best model is picked from
several, and a learning-rate schedule (if the config has one) stretched to end at the last step. If the
machine slows down later, ``over()`` ends the run at the next step, cleanly (last check, checkpoint,
report): the budget is kept either way.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

PROBE_STEPS = 5
PROBE_SECONDS = 10.0
CHECKS = 8
RESERVE_SECONDS = 15.0  # the report, the sheet, the last checkpoint


@dataclass(frozen=True)
class Plan:
    steps: int  # the run's last step
    every: int  # steps between checks and checkpoints
    seconds_per_step: float
    seconds_left: float

    def describe(self) -> str:
        return (f"time budget: {self.seconds_per_step:.2f} s a step, so {self.steps} steps in all, "
                f"scored every {self.every} ({self.seconds_left / 60:.1f} minutes left)")  # fmt: skip

    def apply(self, cfg, trainer):
        """``cfg`` with the plan's steps and checks (and its LR schedule ending at the last step); the
        running ``trainer`` follows the new schedule at once."""
        from ..config import config_from_dict, config_to_dict

        data = config_to_dict(cfg)
        data["train"].update(steps=self.steps, checkpoint_every=self.every, val_every=self.every)
        schedule = data["trainer"].get("lr_schedule")
        if isinstance(schedule, dict) and schedule.get("type", "constant") != "constant":
            schedule["steps"] = self.steps
            options = getattr(trainer, "o", None)
            if options is not None and hasattr(options, "lr_schedule"):
                trainer.o = replace(options, lr_schedule=replace(options.lr_schedule, steps=self.steps))
        return config_from_dict(data)


class Budget:
    def __init__(self, minutes: float, clock=time.monotonic):
        self.seconds = 60.0 * minutes
        self.clock = clock
        self.started = clock()
        self.check_cost = 0.0  # seconds of one check (the step-0 scores), set by the loop
        self.fitted: Plan | None = None
        self._probe_start: float | None = None

    @property
    def active(self) -> bool:
        return self.seconds > 0

    def ready(self, steps_done: int) -> bool:
        """Whether enough steps were timed to plan (the first step, with its warm-up, is not timed)."""
        now = self.clock()
        if steps_done == 1:
            self._probe_start = now
        return (
            self._probe_start is not None
            and steps_done > PROBE_STEPS
            and now - self._probe_start >= min(PROBE_SECONDS, 0.1 * self.seconds)
        )

    def fit(self, step: int, first_step: int, wanted: int) -> Plan:
        """The plan at ``step``: steps timed since the probe started; at most ``wanted`` steps in all."""
        now = self.clock()
        timed = max(1, step - first_step - 1)
        per_step = (now - (self._probe_start or self.started)) / timed
        left = self.seconds - (now - self.started) - RESERVE_SECONDS - self.check_cost
        more = max(1, math.floor((left - CHECKS * self.check_cost) / max(per_step, 1e-6)))
        steps = min(wanted, step + more) if wanted > step else step + more
        every = max(1, (steps - first_step) // CHECKS)
        self.fitted = Plan(steps, every, per_step, left)
        return self.fitted

    def over(self) -> bool:
        """Whether the budget is spent (a reserve for the last check and the report kept)."""
        return self.active and self.clock() - self.started > self.seconds - RESERVE_SECONDS - self.check_cost

    def left(self) -> str:
        s = max(0.0, self.seconds - (self.clock() - self.started))
        return f"{int(s // 60)}:{int(s % 60):02d}"
