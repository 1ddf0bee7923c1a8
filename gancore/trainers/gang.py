"""The gang trainer (HyperGAN): a population of G and D snapshots, mixed by the zero-sum game between them.

Training alternates D and G steps. Every ``every`` iterations the current G and D join the
population (the oldest leave beyond ``population``); each G_i is played against each D_j on the
current batch with fixed latents, ``A[i, j] = d_loss(G_i, D_j)`` (G wants it high, D low); the
game's mixed equilibrium ``(p, q)`` is found by fictitious play, and the live weights become the
mixtures ``G = sum_i p_i G_i``, ``D = sum_j q_j D_j`` (HyperGAN's "destructive mixture"). The
game is solved on the device (no host sync). Snapshots are kept in checkpoints. With several
processes the payoff matrix is averaged over the ranks' batches, so every rank mixes alike.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import torch

from ..engine.distributed import all_mean
from ..errors import ConfigError
from .base import TRAINERS
from .common import GANTrainer, Logs, d_loss_of
from .game import fictitious_play, game_value
from .optim import OptimOptions

State = dict[str, torch.Tensor]


def snapshot(net: torch.nn.Module) -> State:
    return {k: v.detach().clone() for k, v in net.state_dict().items()}


@contextlib.contextmanager
def weights(net: torch.nn.Module, state: State):
    """Temporarily load ``state`` into ``net``."""
    live = snapshot(net)
    net.load_state_dict(state)
    try:
        yield net
    finally:
        net.load_state_dict(live)


def mixture(states: list[State], p: torch.Tensor) -> State:
    """The ``p``-weighted average of floating tensors; other tensors (counters) from the newest state."""
    out = {}
    for k, v in states[-1].items():
        if v.is_floating_point():
            out[k] = sum(w * s[k] for w, s in zip(p, states)).to(v.dtype)
        else:
            out[k] = v.clone()
    return out


@TRAINERS.register("gang")
class GangTrainer(GANTrainer):
    @dataclass(frozen=True)
    class Options(OptimOptions):
        population: int = 4  # snapshots kept of G and of D
        every: int = 100  # iterations between snapshots (and games)
        rounds: int = 500  # fictitious-play rounds per game
        mix: bool = True  # replace the live weights by the equilibrium mixtures

        def __post_init__(self):
            super().__post_init__()
            for name in ("population", "every", "rounds"):
                if getattr(self, name) < 1:
                    raise ConfigError(f"trainer.{name}", f"must be at least 1, got {getattr(self, name)}")

    def __init__(self, options: Options, gan, loss=None, penalties=None):
        super().__init__(options, gan, loss, penalties)
        self.gs: list[State] = []
        self.ds: list[State] = []

    def iterate(self, pair) -> Logs:
        logs = self.d_step(pair)
        logs.update(self.g_step(pair))
        if (self.iteration + 1) % self.o.every == 0:
            logs.update(self.play(pair))
        return logs

    @torch.no_grad()
    def payoff(self, pair) -> torch.Tensor:
        """``A[i, j] = d_loss`` of D_j against G_i's samples, on this batch and fixed latents ``(P, P)``."""
        gan = self.gan
        z = gan.latent.sample(pair.condition.shape[0], pair.condition.device) if gan.latent.dim else None
        fakes = []
        for g in self.gs:
            with weights(gan.generator, g):
                fakes.append(gan.generate(pair.condition, latent=z))
        rows = []
        for fake in fakes:
            row = []
            for d in self.ds:
                with weights(gan.discriminator, d):
                    d_real, d_fake = self.judge_pair(pair.condition, pair.target, fake)
                    row.append(d_loss_of(self.loss, d_real, d_fake, None, pair.target, fake))
            rows.append(torch.stack(row))
        return torch.stack(rows)

    def play(self, pair) -> Logs:
        """Add the live networks to the population, solve the game, mix."""
        gan, size = self.gan, self.o.population
        self.gs = ([*self.gs, snapshot(gan.generator)])[-size:]
        self.ds = ([*self.ds, snapshot(gan.discriminator)])[-size:]
        a = all_mean(self.payoff(pair))  # (P, P), the same on every rank
        p, q = fictitious_play(a, self.o.rounds)
        if self.o.mix and len(self.gs) > 1:
            gan.generator.load_state_dict(mixture(self.gs, p))
            gan.discriminator.load_state_dict(mixture(self.ds, q))
        return {"gang_value": game_value(a, p, q), "gang_g_weight_newest": p[-1], "gang_d_weight_newest": q[-1]}

    def state_dict(self) -> dict[str, torch.Tensor]:
        state = super().state_dict()
        for name, pop in (("gs", self.gs), ("ds", self.ds)):
            state[f"{name}.size"] = torch.tensor(len(pop))
            for i, s in enumerate(pop):
                state.update({f"{name}.{i}.{k}": v for k, v in s.items()})
        return state

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        super().load_state_dict(state)
        for name in ("gs", "ds"):
            n = int(state.get(f"{name}.size", torch.tensor(0)))
            pops = []
            for i in range(n):
                prefix = f"{name}.{i}."
                pops.append({k[len(prefix) :]: v for k, v in state.items() if k.startswith(prefix)})
            setattr(self, name, pops)
