"""What every trainer shares: two optimisers, D's loss (with penalties and tricks), G's loss, one update each.

A trainer subclass only decides the *order* of updates in ``iterate(pair)``; the engine calls
``step(real)`` once per batch. Contract with the engine:

* ``step(real)`` returns a dict of detached 0-dim tensors, left on the device: no host sync here
  (the engine syncs at log ticks). Exceptions are named in a trainer's docstring.
* ``optimizers()`` names every optimiser, and ``state_dict()`` / ``load_state_dict()`` carry the
  rest of the trainer's state (step counters, BEGAN's k, a population), for exact resume.

``iteration`` counts ``step`` calls; ``d_updates`` / ``g_updates`` count optimiser steps. They are
host integers (schedules, lazy penalties and noise annealing read them without a sync).

Speed and scale (``gancore/engine``): the engine runs ``step`` under bf16 autocast when asked; the
task's conditioning, every backward pass and every optimiser step run outside it. With several
processes (``torchrun``) every gradient is averaged over the ranks right after its backward pass
and before clipping and the optimiser step (``finish_gradients``), so every rank takes the step a
single process would take on the union of their batches.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import nn

from ..engine.distributed import all_mean, average_gradients
from ..engine.speed import fp32
from ..errors import ConfigError
from ..penalties import CriticInputs
from ..tasks import Pair
from ..tricks import ema_update
from ..tricks.labels import region_labels, region_share
from .optim import OptimOptions, make_optimizer, set_learning_rates

Logs = dict[str, torch.Tensor]


def check_fake_region(task, loss, tricks) -> None:
    """A task that labels only part of a fake needs a loss that takes labels, and no D augmentation
    that moves pixels (the labels would not move with them)."""
    if not getattr(task, "labels_region", False):
        return
    if not getattr(loss, "uses_labels", False):
        raise ConfigError("task.hole_is_fake", "needs a loss with labels (standard or least_squares)")
    moved = [op for op in tricks.augment if op in ("translation", "cutout")]
    if moved:
        raise ConfigError("task.hole_is_fake", f"cannot follow tricks.augment {moved[0]!r}: leave it out")


def d_loss_of(loss, d_real, d_fake, labels, real, fake) -> torch.Tensor:
    """``loss.d_loss`` with the extras the loss declares it takes (labels, samples)."""
    kw = {}
    if labels is not None:
        kw["labels"] = labels
    if getattr(loss, "uses_samples", False):
        kw.update(real=real, fake=fake)
    return loss.d_loss(d_real, d_fake, **kw)


class GANTrainer:
    Options = OptimOptions

    def __init__(self, options: OptimOptions, gan, loss=None, penalties=None):
        self.o = options
        self.gan = gan
        self.loss = gan.loss if loss is None else loss  # a curriculum stage may bring its own
        self.penalties = tuple(gan.penalties if penalties is None else penalties)
        self.tricks = gan.tricks
        self.tricks.check(self.loss, tuple(gan.task.shapes(gan.config.data.size)["judged"]))
        check_fake_region(gan.task, self.loss, self.tricks.cfg)
        if options.pretrain_steps and gan.reconstruction is None:
            raise ConfigError("trainer.pretrain_steps", "needs a reconstruction term to pre-train on")
        if options.pretrain_steps < 0:
            raise ConfigError("trainer.pretrain_steps", f"must be 0 or more, got {options.pretrain_steps}")
        self.g_opt = make_optimizer(options, "g", gan.generator.parameters())
        self.d_opt = make_optimizer(options, "d", gan.discriminator.parameters())
        self.iteration = 0  # step() calls so far
        self.d_updates = 0  # D optimiser steps so far (lazy penalties count these)
        self.g_updates = 0  # G optimiser steps so far (EMA start counts these)

    # ---- the engine's interface
    def step(self, real: torch.Tensor) -> Logs:
        """One iteration on a real batch (images ``(B, 3, H, W)`` in [-1, 1], or the task's data)."""
        pair = self.condition(real)
        self.apply_schedule(self.iteration)
        logs = self.pretrain(pair) if self.iteration < self.o.pretrain_steps else self.iterate(pair)
        self.iteration += 1
        return logs

    def condition(self, real: torch.Tensor) -> Pair:
        """The task's ``(condition, target)`` for a real batch, computed in fp32 even under autocast."""
        with fp32(real.device.type):
            return self.gan.task.condition(real)

    def pretrain(self, pair: Pair) -> Logs:
        """ESRGAN's pixel-only phase: one G update on the reconstruction term; D is not touched."""
        raw = self.gan.generate_raw(pair.condition)
        rec = self.reconstruction(pair, self.gan.compose(pair.condition, raw), raw)
        self.update(self.g_opt, self.gan.generator, rec)
        self.after_g_update()
        return {"g_rec": rec.detach(), "g_loss": rec.detach()}

    def iterate(self, pair: Pair) -> Logs:
        raise NotImplementedError

    def optimizers(self) -> dict[str, torch.optim.Optimizer]:
        """Named optimizers, for checkpoints."""
        return {"g": self.g_opt, "d": self.d_opt}

    def state_dict(self) -> dict[str, torch.Tensor]:
        state = {k: torch.tensor(getattr(self, k)) for k in ("iteration", "d_updates", "g_updates")}
        if hasattr(self.loss, "state_dict"):
            state.update({f"loss.{k}": v for k, v in self.loss.state_dict().items()})
        return state

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        for k in ("iteration", "d_updates", "g_updates"):
            if k in state:
                setattr(self, k, int(state[k]))
        if hasattr(self.loss, "load_state_dict"):
            self.loss.load_state_dict({k[5:]: v for k, v in state.items() if k.startswith("loss.")})

    # ---- pieces the subclasses combine
    def apply_schedule(self, step: int) -> None:
        if self.o.lr_schedule.is_constant:
            return
        f = self.o.lr_schedule.factor(step)
        set_learning_rates(self.g_opt, self.o.g_learn_rate, f)
        set_learning_rates(self.d_opt, self.o.d_learn_rate, f)

    def judge_pair(self, condition, real, fake) -> tuple[torch.Tensor, torch.Tensor]:
        """D's outputs for real and fake targets, through the tricks (augment, noise, mixed batch)."""
        task, tricks, step = self.gan.task, self.tricks, self.iteration
        xr = tricks.judged(task.judged(condition, real), "real", step)
        xf = tricks.judged(task.judged(condition, fake), "fake", step)
        if tricks.mixed:  # one forward over [real; fake]: batch statistics see both
            out = self.gan.critic(torch.cat([xr, xf]), torch.cat([condition, condition]))
            return out[: real.shape[0]], out[real.shape[0] :]
        return self.gan.critic(xr, condition), self.gan.critic(xf, condition)

    def fake_region(self, condition: torch.Tensor) -> torch.Tensor | None:
        """The part of a fake that is generated, when the task labels only that part fake (else None)."""
        region = getattr(self.gan.task, "fake_region", None)
        return None if region is None else region(condition)

    def judge_one(self, condition, image, kind: str) -> torch.Tensor:
        x = self.tricks.judged(self.gan.task.judged(condition, image), kind, self.iteration)
        return self.gan.critic(x, condition)

    def d_objective(self, pair: Pair, fake: torch.Tensor) -> tuple[torch.Tensor, Logs, tuple]:
        """D's loss plus the active penalties, for a given ``fake`` (detach it to keep G out)."""
        d_real, d_fake = self.judge_pair(pair.condition, pair.target, fake)
        labels = self.tricks.labels(d_real, d_fake)
        region = self.fake_region(pair.condition)
        share = None if region is None else region_share(region, d_fake)
        if share is not None:
            labels = region_labels(labels, share, d_real, d_fake, getattr(self.loss, "real_label", 1.0))
        loss = d_loss_of(self.loss, d_real, d_fake, labels, pair.target, fake)
        logs = {"d_loss": loss.detach(), "d_real": d_real.detach().mean(), "d_fake": d_fake.detach().mean()}
        if share is not None:  # D's mean output where the fake is generated: what d_fake says for the hole
            logs["d_fake_region"] = ((d_fake.detach() * share).sum() / share.sum().clamp_min(1e-6)).detach()
        total = loss
        active = [p for p in self.penalties if p.active(self.d_updates)]
        if active:
            cond = pair.condition
            inputs = CriticInputs(lambda x: self.gan.judge(cond, x), pair.target.detach(), fake.detach())
            for p in active:
                term = p.loss(inputs)
                if term is not None:
                    total = total + term
                    logs[f"penalty_{p.log_name}"] = term.detach()
        return total, logs, (d_real, d_fake)

    def g_objective(self, pair: Pair, fake: torch.Tensor, raw: torch.Tensor | None = None) -> tuple[torch.Tensor, Logs]:
        """G's adversarial loss plus the reconstruction and feature-matching terms, for a ``fake`` made with grad.

        ``raw``: G's output before the task's ``compose``, for reconstruction terms that weigh the
        region ``compose`` replaces (the inpainter's known pixels); defaults to ``fake``.
        """
        fm = self.o.feature_matching
        if fm:
            d_fake, fake_features = self.judge_features(pair.condition, fake, "fake")
        else:
            d_fake = self.judge_one(pair.condition, fake, "fake")
        # relativistic losses compare with D(real); the others skip that forward pass
        d_real = (
            self.judge_one(pair.condition, pair.target, "real") if getattr(self.loss, "g_uses_real", False) else None
        )
        adversarial = self.loss.g_loss(d_real, d_fake)
        loss, logs = adversarial, {"g_adv": adversarial.detach()}
        if self.gan.reconstruction is not None:
            rec = self.reconstruction(pair, fake, raw)
            loss = loss + rec
            logs["g_rec"] = rec.detach()
        if fm:
            with torch.no_grad():
                _, real_features = self.judge_features(pair.condition, pair.target, "real")
            match = sum((f - r).abs().mean() for f, r in zip(fake_features, real_features)) / len(real_features)
            loss = loss + fm * match
            logs["g_feature_match"] = match.detach()
        logs["g_loss"] = loss.detach()
        return loss, logs

    def reconstruction(self, pair: Pair, fake: torch.Tensor, raw: torch.Tensor | None = None) -> torch.Tensor:
        """The configured reconstruction term; a masked one also gets the raw output and the task's hole mask."""
        rec = self.gan.reconstruction
        if getattr(rec, "uses_mask", False):
            whole = fake if raw is None else self.gan.prediction(pair.condition, raw)
            return rec(fake, pair.target, raw=whole, hole=self.gan.task.hole(pair.condition))
        if getattr(rec, "uses_raw", False):  # e.g. soft_bins: the logits beside their read-out
            return rec(fake, pair.target, raw=fake if raw is None else raw)
        return rec(fake, pair.target)

    def judge_features(self, condition, image, kind: str) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """D's output and its named intermediate outputs (pix2pixHD's feature matching)."""
        x = self.tricks.judged(self.gan.task.judged(condition, image), kind, self.iteration)
        return self.gan.discriminator.features({"input": x, "condition": condition})

    def update(self, opt: torch.optim.Optimizer, net: nn.Module, loss: torch.Tensor) -> None:
        """Backpropagate ``loss``, average the gradients over ranks, clip, step ``opt`` (all outside autocast)."""
        opt.zero_grad(set_to_none=True)
        with fp32(loss.device.type):
            loss.backward()
            self.finish_gradients(net.parameters())
            opt.step()

    def finish_gradients(self, params: Iterable[torch.nn.Parameter]) -> None:
        """After a backward pass: each ``.grad`` averaged over the ranks (no-op in one process), then clipped."""
        params = list(params)
        average_gradients(params)
        self.clip(params)

    def clip(self, params: Iterable[torch.nn.Parameter]) -> None:
        if self.o.clipped_gradients is not None:
            torch.nn.utils.clip_grad_norm_(list(params), self.o.clipped_gradients)

    def after_d_update(self, d_real: torch.Tensor, d_fake: torch.Tensor, logs: Logs) -> None:
        """Constraints after D's optimiser step: weight clipping, clamp penalties, BEGAN's k."""
        D = self.gan.discriminator
        if self.o.d_clipped_weights is not None:
            with torch.no_grad():
                for p in D.parameters():
                    p.clamp_(-self.o.d_clipped_weights, self.o.d_clipped_weights)
        for p in self.penalties:
            if p.active(self.d_updates):
                p.after_d_step(D)
        if hasattr(self.loss, "update"):  # BEGAN's k: fed the batch means over all ranks, so it stays equal
            self.loss.update(all_mean(d_real.detach().float().mean()), all_mean(d_fake.detach().float().mean()))
        if hasattr(self.loss, "logs"):
            logs.update(self.loss.logs())
        self.d_updates += 1

    def after_g_update(self) -> None:
        """The EMA copy of G follows the live weights (a plain copy before ``ema_start``)."""
        gan = self.gan
        if gan.ema is not None:
            decay = self.tricks.cfg.ema if self.g_updates >= self.tricks.cfg.ema_start else 0.0
            ema_update(gan.ema, gan.generator, decay)
        self.g_updates += 1

    # ---- the two plain updates
    def d_step(self, pair: Pair) -> Logs:
        """One D update on a fresh fake (G gets no gradient)."""
        gan = self.gan
        with torch.no_grad():
            fake = gan.generate(pair.condition)
        gan.discriminator.requires_grad_(True)
        loss, logs, (d_real, d_fake) = self.d_objective(pair, fake)
        self.update(self.d_opt, gan.discriminator, loss)
        self.after_d_update(d_real, d_fake, logs)
        return logs

    def d_then_g_step(self, pair: Pair) -> Logs:
        """One D update then one G update through a single generator forward (pix2pix's step).

        The fake is made once, with grad: D trains on it detached, then G's loss is taken on the
        same fake, judged by the updated D, and backpropagated through the graph kept from that
        forward. This is exactly ``d_step`` then ``g_step`` whenever G's forward is deterministic
        given its input (G does not change between the two), minus one generator pass; with
        dropout or a sampled latent, D and G see the same draw instead of two independent ones.
        """
        gan = self.gan
        raw = gan.generate_raw(pair.condition)
        fake = gan.compose(pair.condition, raw)
        gan.discriminator.requires_grad_(True)
        loss, logs, (d_real, d_fake) = self.d_objective(pair, fake.detach())
        self.update(self.d_opt, gan.discriminator, loss)
        self.after_d_update(d_real, d_fake, logs)
        gan.discriminator.requires_grad_(False)
        try:
            g_loss, g_logs = self.g_objective(pair, fake, raw)
            self.update(self.g_opt, gan.generator, g_loss)
        finally:
            gan.discriminator.requires_grad_(True)
        self.after_g_update()
        return {**logs, **g_logs}

    def g_step(self, pair: Pair, latent: torch.Tensor | None = None) -> Logs:
        """One G update; ``latent`` fixes z (fitness), else the latent distribution is sampled."""
        gan = self.gan
        gan.discriminator.requires_grad_(False)  # G's step computes no gradients for D
        try:
            raw = gan.generate_raw(pair.condition, latent=latent)
            fake = gan.compose(pair.condition, raw)
            loss, logs = self.g_objective(pair, fake, raw)
            self.update(self.g_opt, gan.generator, loss)
        finally:
            gan.discriminator.requires_grad_(True)
        self.after_g_update()
        return logs
