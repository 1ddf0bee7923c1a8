"""What a run knows of its held-out photos: the start's and the baseline's scores, every check's, the best.

``Watch.check(step, gan)`` scores the generator (``validation.Validator``), logs it, and says whether it
is the best so far by the run's rule (then the loop exports it as ``generator.safetensors``) or whether
the run should stop (the headline fell more than ``train.stop_drop`` below the start's at two checks in
a row). Its state goes into every checkpoint, so a resumed run keeps the same best model and score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .validation import Rule, Validator

D_WINS = 0.9  # the loss's separation of real and fake (1: outright), over three checks, above which D has won


@dataclass
class Watch:
    validator: Validator
    rule: Rule
    stop_drop: float = 1.0
    start: dict[str, float] | None = None  # the model at step 0 (the init generator, or random weights)
    start_is_model: bool = True  # False: the start's last layer is new (init.py), so it is never kept
    baseline: dict[str, float] | None = None  # the classical method on the same crops
    reference: dict[str, float] | None = None  # the shipped model, when its task matches the run's
    best_step: int | None = None
    best: dict[str, float] | None = None
    last_step: int | None = None
    last: dict[str, float] | None = None
    below: int = 0  # checks in a row far below the start
    apart: list[float] = field(default_factory=list)  # D's separation of real and fake at the last checks
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def measure(self) -> str:
        return self.rule.measure

    def begin(self, gan) -> dict[str, float]:
        """Step 0: the start model and the baseline. Returns the scalars to log."""
        self.start = self.validator.score(gan)
        self.baseline = self.validator.baseline()
        self._record(0, self.start)
        self.best_step, self.best = (0, dict(self.start)) if self.start_is_model else (None, None)
        scalars = {f"val/{k}": v for k, v in self.start.items()}
        scalars.update({f"val_baseline/{k}": v for k, v in (self.baseline or {}).items()})
        return scalars

    def check(self, step: int, gan, tick: dict[str, float] | None = None) -> tuple[dict[str, float], bool, str | None]:
        """Score at ``step``: ``(scalars to log, whether it is the new best, a reason to stop or None)``.
        ``tick``: the last log tick's losses (D's mean outputs ``d_real``, ``d_fake``)."""
        scores = self.validator.score(gan)
        self._record(step, scores)
        value = scores.get(self.measure, float("nan"))
        improved = self.rule.better(value, None if self.best is None else self.best[self.measure])
        if improved:
            self.best_step, self.best = step, dict(scores)
        reason = None
        if not math.isfinite(value):
            reason = f"the {self.measure} on the held-out photos is {value} at step {step}"
        elif self.stop_drop > 0 and self.start is not None:
            drop = self.start[self.measure] - value if self.rule.higher else value - self.start[self.measure]
            self.below = self.below + 1 if drop > self.stop_drop else 0
            if self.below >= 2:
                reason = (f"the {self.measure} on the held-out photos fell {drop:.2f} below the start's "
                          f"({value:.3f} vs {self.start[self.measure]:.3f}) at two checks in a row")  # fmt: skip
        separation = getattr(getattr(gan, "loss", None), "separation", None)  # (a scripted test passes no GAN)
        if reason is None and separation is not None and tick and "d_real" in tick and "d_fake" in tick:
            self.apart = [*self.apart, separation(tick["d_real"], tick["d_fake"])][-3:]
            mean = sum(self.apart) / len(self.apart)
            if len(self.apart) == 3 and mean > D_WINS:
                reason = (f"the discriminator wins outright (it told real from fake by {mean:.2f} of 1 over the "
                          "last three checks), so the generator learns nothing more from it; lower D's learning "
                          "rate or add a penalty (r1)")  # fmt: skip
        return {f"val/{k}": v for k, v in scores.items()}, improved, reason

    def _record(self, step: int, scores: dict[str, float]) -> None:
        self.last_step, self.last = step, dict(scores)
        self.history = [h for h in self.history if h["step"] < step]  # a resumed run redoes later checks
        self.history.append({"step": step, **scores})

    def postfix(self) -> dict[str, str]:
        """For the progress bar: the last and the best headline."""
        if self.last is None or self.best is None:
            return {}
        m = self.measure
        return {f"val_{m}": f"{self.last[m]:.3g}", "best": f"{self.best[m]:.3g}@{self.best_step}"}

    # ---- resume: all of it in the checkpoint's metadata
    def state(self) -> dict[str, Any]:
        keys = ("start", "start_is_model", "baseline", "reference", "best_step", "best", "last_step", "last", "below",
                "apart")  # fmt: skip
        keys += ("history",)
        return {k: getattr(self, k) for k in keys}

    def load_state(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            setattr(self, key, value)
