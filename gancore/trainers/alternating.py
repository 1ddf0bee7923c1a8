"""The alternating trainer: D steps, then G steps, each network with its own optimiser.

Phases are data, not branches: ``(name, steps)`` in ``self.phases``. Seed defaults: Adam
lr 2e-4, beta1 0.5 (DCGAN). HyperGAN's option names (``g_learn_rate``, ``d_beta1``, ...) and
GAGA's (``d_nb_update``, ``d_learning_rate``, ...) are accepted.

**One generator forward per iteration** in the plain case (one D update, then one G update, D
trained this iteration): D trains on the fake detached and G's update reuses that same fake
(``d_then_g_step``, pix2pix's step), exact because G does not change between the two. Two
forwards (``d_step`` makes its own fake without grad, ``g_step`` another) otherwise: several G
updates per iteration (each needs a fake from the G the previous one changed), several D updates
(GAGA's ``d_nb_update`` gives each a fresh draw of dropout and latent), an iteration where D does
not train (G alone), and ``share_forward: false`` (the two-forward step, kept for comparison).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ConfigError
from .base import TRAINERS
from .common import GANTrainer, Logs
from .optim import OptimOptions


@TRAINERS.register("alternating")
class AlternatingTrainer(GANTrainer):
    @dataclass(frozen=True)
    class Options(OptimOptions):
        d_nb_update: int = 1  # D steps per iteration (GAGA)
        g_nb_update: int = 1  # G steps per iteration (GAGA)
        train_d_every: int = 1  # D trains on every N-th iteration only (G on all)
        share_forward: bool = True  # one G forward for the D and the G update when exact (see above)

        def __post_init__(self):
            super().__post_init__()
            for name in ("d_nb_update", "g_nb_update", "train_d_every"):
                if getattr(self, name) < (0 if name != "train_d_every" else 1):
                    raise ConfigError(f"trainer.{name}", f"is out of range: {getattr(self, name)}")

    def __init__(self, options: Options, gan, loss=None, penalties=None):
        super().__init__(options, gan, loss, penalties)
        self.phases = (("d", options.d_nb_update), ("g", options.g_nb_update))

    def iterate(self, pair) -> Logs:
        o = self.o
        if o.share_forward and o.d_nb_update == 1 and o.g_nb_update == 1 and not self.iteration % o.train_d_every:
            return self.d_then_g_step(pair)
        logs: Logs = {}
        for phase, repeats in self.phases:
            if phase == "d" and self.iteration % self.o.train_d_every:
                continue
            for _ in range(repeats):
                logs.update(self.d_step(pair) if phase == "d" else self.g_step(pair))
        return logs
