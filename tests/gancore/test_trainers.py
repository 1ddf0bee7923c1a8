"""Every trainer: each optimiser moves only its own network, both networks learn, the state round-trips."""

from __future__ import annotations

import pytest
import torch

from gancore.config import config_from_dict
from gancore.errors import ConfigError
from gancore.gan import build_gan
from gancore.trainers.game import fictitious_play, game_value

ALL = ["alternating", "simultaneous", "consensus", "balanced", "curriculum", "fitness", "gang"]


def trainer_spec(name: str, **options) -> dict:
    options = {"g_learn_rate": 0.01, "d_learn_rate": 0.01, **options}
    if name == "curriculum":
        stage = {"type": "alternating", **options}
        return {"type": "curriculum", "stages": [{"start": 0, "trainer": stage}, {"start": 2, "trainer": stage}]}
    if name == "gang":
        options = {"every": 2, **options}
    return {"type": name, **options}


def make(toy_dict, name, **options):
    toy_dict["trainer"] = trainer_spec(name, **options)
    cfg = config_from_dict(toy_dict)
    torch.manual_seed(0)
    gan = build_gan(cfg)
    return gan, cfg.trainer.build(gan)


def params(net):
    return [p.detach().clone() for p in net.parameters()]


def moved(before, net):
    return [not torch.equal(b, p) for b, p in zip(before, net.parameters())]


def run(gan, trainer, steps=4):
    torch.manual_seed(1)
    logs = {}
    for _ in range(steps):
        logs = trainer.step(gan.task.sample(32))
    return logs


@pytest.mark.parametrize("name", ALL)
def test_trainer_learns_owns_disjoint_parameters_and_round_trips_its_state(toy_dict, name):
    balanced = name == "balanced"  # steps one network at a time: give it a small margin and more steps
    gan, trainer = make(toy_dict, name, **({"imbalance": 0.2} if balanced else {}))
    g_ids, d_ids = {id(p) for p in gan.generator.parameters()}, {id(p) for p in gan.discriminator.parameters()}
    for opt_name, opt in trainer.optimizers().items():
        owned = {id(p) for group in opt.param_groups for p in group["params"]}
        assert owned == (g_ids if opt_name.endswith("g") else d_ids), opt_name
    g0, d0 = params(gan.generator), params(gan.discriminator)
    steps = 30 if balanced else 4
    logs = run(gan, trainer, steps=steps)
    assert all(moved(g0, gan.generator)) and all(moved(d0, gan.discriminator))
    assert logs and all(v.dim() == 0 and not v.requires_grad for v in logs.values())
    state = trainer.state_dict()
    assert int(state["iteration"]) == steps
    _, fresh = make(toy_dict, name)
    fresh.load_state_dict(state)
    assert {k: v.tolist() for k, v in fresh.state_dict().items()} == {k: v.tolist() for k, v in state.items()}


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("frozen", ["g", "d"])
def test_each_optimiser_moves_only_its_network(toy_dict, name, frozen):
    """With one network's learning rate at 0 that network never moves: no optimiser touches the other's weights."""
    gan, trainer = make(toy_dict, name, **{f"{frozen}_learn_rate": 0.0}, **({"mix": False} if name == "gang" else {}))
    g0, d0 = params(gan.generator), params(gan.discriminator)
    run(gan, trainer)
    g_moved, d_moved = any(moved(g0, gan.generator)), any(moved(d0, gan.discriminator))
    assert not (g_moved if frozen == "g" else d_moved)
    if name != "balanced":  # balanced may step only one network in a few iterations
        assert d_moved if frozen == "g" else g_moved


@pytest.mark.parametrize("kind, cls", [("adam", "Adam"), ("adamw", "AdamW"), ("RMSprop", "RMSprop"), ("sgd", "SGD")])
def test_optimiser_kinds_and_options(toy_dict, kind, cls):
    _, trainer = make(
        toy_dict, "alternating", optimiser=kind, g_learn_rate=0.003, g_momentum=0.9, g_decay=0.95,
        g_beta1=0.1, g_weight_decay=0.01, d_optimizer="sgd", d_learn_rate=0.02,
    )  # fmt: skip
    g = trainer.g_opt
    assert type(g).__name__ == cls and type(trainer.d_opt).__name__ == "SGD"
    group = g.param_groups[0]
    assert group["lr"] == 0.003 and group["weight_decay"] == 0.01 and trainer.d_opt.param_groups[0]["lr"] == 0.02
    if cls in ("Adam", "AdamW"):
        assert group["betas"] == (0.1, 0.999)
    if cls == "RMSprop":
        assert group["alpha"] == 0.95 and group["momentum"] == 0.9
    if cls == "SGD":
        assert group["momentum"] == 0.9


@pytest.mark.parametrize(
    "kernel, kind, expect",
    [("auto", "adam", "fused"), ("auto", "RMSprop", "foreach"), ("auto", "sgd", "foreach"), ("fused", "adamw", "fused"),
     ("foreach", "adam", "foreach"), ("loop", "adam", "loop")],
)  # fmt: skip
def test_optimizer_kernel_reaches_torch(toy_dict, kernel, kind, expect):
    _, trainer = make(toy_dict, "alternating", optimiser=kind, optimizer_kernel=kernel)
    for opt in (trainer.g_opt, trainer.d_opt):
        got = "fused" if opt.defaults.get("fused") else "foreach" if opt.defaults.get("foreach") else "loop"
        assert got == expect


def test_optimizer_kernels_compute_the_same_update(toy_dict):
    """Fused, foreach and loop Adam: the same weights after three steps, to float rounding."""
    weights = []
    for kernel in ("loop", "foreach", "fused"):
        gan, trainer = make(toy_dict, "alternating", optimizer_kernel=kernel, g_weight_decay=0.01)
        start = flat(gan)
        run(gan, trainer, steps=3)
        weights.append(flat(gan))
        assert not torch.equal(weights[-1], start)  # training moved them
    for w in weights[1:]:
        torch.testing.assert_close(w, weights[0], rtol=1e-5, atol=1e-6)


def flat(gan):
    return torch.cat([p.detach().flatten() for n in (gan.generator, gan.discriminator) for p in n.parameters()])


def test_fused_kernel_needs_adam(toy_dict):
    toy_dict["trainer"] = {"type": "alternating", "d_optimizer": "rmsprop", "optimizer_kernel": "fused"}
    with pytest.raises(ConfigError, match=r"trainer.optimizer_kernel.*rmsprop"):
        config_from_dict(toy_dict)
    toy_dict["trainer"] = {"type": "alternating", "optimizer_kernel": "fast"}
    with pytest.raises(ConfigError, match=r"trainer.optimizer_kernel"):
        config_from_dict(toy_dict)


def test_gaga_and_hypergan_option_names(toy_dict):
    toy_dict["trainer"] = {
        "type": "alternating",
        "optimiser": "RMSprop",
        "d_learning_rate": 0.02,
        "clipped_d_weights": 0.1,
    }
    toy_dict["trainer"].update(d_weight_decay=0.5, g_weight_decay=0.25)
    o = config_from_dict(toy_dict).trainer.options
    assert (o.optimizer, o.d_learn_rate, o.d_clipped_weights, o.d_weight_decay, o.g_weight_decay) == (
        "RMSprop",
        0.02,
        0.1,
        0.5,
        0.25,
    )


def test_learning_rate_schedules(toy_dict):
    from gancore.trainers.optim import Schedule

    assert Schedule("linear", steps=10, final=0.0).factor(5) == pytest.approx(0.5)
    assert Schedule("cosine", steps=10, final=0.1).factor(10) == pytest.approx(0.1)
    assert Schedule("step", every=3, gamma=0.5).factor(7) == pytest.approx(0.25)
    assert Schedule("exponential", gamma=0.9).factor(2) == pytest.approx(0.81)
    assert Schedule("constant", warmup=4).factor(1) == pytest.approx(0.5)
    gan, trainer = make(toy_dict, "alternating", lr_schedule={"type": "linear", "steps": 4, "final": 0.5})
    run(gan, trainer, steps=3)  # the rate set before step 2 (0-based): 1 - 0.5 * 2 / 4
    assert trainer.g_opt.param_groups[0]["lr"] == pytest.approx(0.01 * 0.75)


def test_clipping_options(toy_dict):
    gan, trainer = make(toy_dict, "alternating", d_clipped_weights=0.05, clipped_gradients=1e-3)
    run(gan, trainer, steps=2)
    assert max(p.abs().max().item() for p in gan.discriminator.parameters()) <= 0.05 + 1e-7
    pair = gan.task.condition(gan.task.sample(32))
    loss, _ = trainer.g_objective(pair, gan.generate(pair.condition))
    loss.backward()
    trainer.clip(gan.generator.parameters())
    total = torch.sqrt(sum(p.grad.square().sum() for p in gan.generator.parameters()))
    assert total.item() <= 1e-3 * 1.01


def test_alternating_counts(toy_dict):
    gan, trainer = make(toy_dict, "alternating", d_nb_update=3, g_nb_update=2, train_d_every=2)
    run(gan, trainer, steps=4)
    assert (trainer.d_updates, trainer.g_updates) == (3 * 2, 2 * 4)  # D on iterations 0 and 2 only
    with pytest.raises(ConfigError, match="train_d_every"):
        make(toy_dict, "alternating", train_d_every=0)


def test_balanced_steps_the_network_that_is_behind(toy_dict):
    gan, trainer = make(toy_dict, "balanced", imbalance=1e9)  # D is always "behind"
    run(gan, trainer, steps=3)
    assert (trainer.d_updates, trainer.g_updates) == (3, 0)
    gan, trainer = make(toy_dict, "balanced", imbalance=-1e9)
    logs = run(gan, trainer, steps=3)
    assert (trainer.d_updates, trainer.g_updates) == (0, 3) and logs["balance_d_steps"].item() == 0.0


@pytest.mark.filterwarnings("ignore:Initializing zero-element tensors")  # the latent-free G built at the end
def test_fitness_trains_g_on_the_best_candidates(toy_dict):
    from gancore.trainers.realness import realness

    gan, trainer = make(toy_dict, "fitness", candidates=8)
    cond = torch.zeros(16, 0)
    torch.manual_seed(5)
    z, gain = trainer.select_latents(cond)
    torch.manual_seed(5)
    candidates = gan.latent.sample(8 * 16).view(8, 16, 2)
    with torch.no_grad():
        scores = realness(
            trainer.loss, gan.discriminator({"input": gan.generate(torch.zeros(128, 0), latent=candidates.view(-1, 2))})
        )
    assert torch.equal(z, candidates[scores.view(8, 16).argmax(0), torch.arange(16)])
    assert gain.item() >= 0
    seen = []
    trainer.g_step = lambda pair, latent=None: seen.append(latent) or {}
    trainer.step(gan.task.sample(16))
    assert seen[0] is not None and seen[0].shape == (16, 2)
    toy_dict["latent"] = {"type": "gaussian", "dim": 0}
    toy_dict["generator"]["input"] = "condition"
    with pytest.raises(ConfigError, match="latent"):
        make(toy_dict, "fitness")


def test_curriculum_switches_stage_loss_and_trainer(toy_dict):
    toy_dict["trainer"] = {
        "type": "curriculum",
        "stages": [
            {"start": 0, "trainer": {"type": "alternating"}},
            {"start": 2, "trainer": {"type": "simultaneous", "d_learn_rate": 0.001}, "loss": "hinge", "penalty": "r1"},
        ],
    }
    cfg = config_from_dict(toy_dict)
    gan = build_gan(cfg)
    trainer = cfg.trainer.build(gan)
    stages = [run(gan, trainer, steps=1)["stage"].item() for _ in range(4)]
    assert stages == [0, 0, 1, 1]
    second = trainer.trainers[1]
    assert type(second.loss).__name__ == "HingeLoss" and second.g_updates == 2 and trainer.trainers[0].g_updates == 2
    assert second.d_opt.param_groups[0]["lr"] == 0.001 and [p.log_name for p in second.penalties] == ["r1"]
    assert set(trainer.optimizers()) == {"stage0_g", "stage0_d", "stage1_g", "stage1_d"}
    for bad, match in (
        ([{"start": 1, "trainer": "alternating"}], "first must start at 0"),
        ([{"start": 0}, {"start": 0}], "increase"),
        ([{"start": 0, "trainer": {"type": "curriculum", "stages": [{"start": 0}]}}], "cannot be a curriculum"),
        ([{"start": 0, "lr": 1}], "unknown key 'lr'"),
    ):
        toy_dict["trainer"] = {"type": "curriculum", "stages": bad}
        with pytest.raises(ConfigError, match=match):
            config_from_dict(toy_dict)


def test_gang_mixes_the_population(toy_dict):
    gan, trainer = make(toy_dict, "gang", every=2, population=2)
    logs = run(gan, trainer, steps=4)  # games after iterations 2 and 4
    assert len(trainer.gs) == len(trainer.ds) == 2 and "gang_value" in logs
    run(gan, trainer, steps=1)  # the live networks move away from the population
    out = trainer.play(gan.task.condition(gan.task.sample(32)))  # the oldest snapshot leaves
    w = out["gang_g_weight_newest"]
    (old, new), key = trainer.gs, "layers.0.1.weight"
    assert 0 <= w <= 1
    assert torch.allclose(gan.generator.state_dict()[key], (1 - w) * old[key] + w * new[key], atol=1e-6)


def test_fictitious_play_solves_small_zero_sum_games():
    pennies = torch.tensor([[1.0, -1.0], [-1.0, 1.0]])
    p, q = fictitious_play(pennies, 2000)
    assert torch.allclose(p, torch.tensor([0.5, 0.5]), atol=0.02) and torch.allclose(
        q, torch.tensor([0.5, 0.5]), atol=0.02
    )
    rps = torch.tensor([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])
    p, q = fictitious_play(rps, 3000)
    assert torch.allclose(p, torch.full((3,), 1 / 3), atol=0.03) and game_value(rps, p, q).abs() < 0.02
    dominant = torch.tensor([[3.0, 2.0], [1.0, 0.0]])  # row 0 dominates; column 1 is better for the minimiser
    p, q = fictitious_play(dominant, 200)
    assert p[0] > 0.99 and q[1] > 0.99 and game_value(dominant, p, q).item() == pytest.approx(2.0, abs=0.05)


def test_pretrain_steps_train_g_on_reconstruction_only(tiny_dict):
    tiny_dict["trainer"]["pretrain_steps"] = 2
    cfg = config_from_dict(tiny_dict)
    gan = build_gan(cfg)
    trainer = cfg.trainer.build(gan)
    x = torch.rand(4, 3, 32, 32) * 2 - 1
    d0 = {k: v.clone() for k, v in gan.discriminator.state_dict().items()}
    g0 = {k: v.clone() for k, v in gan.generator.state_dict().items()}
    for _ in range(2):
        logs = trainer.step(x)
        assert set(logs) == {"g_rec", "g_loss"}
    assert all(torch.equal(v, gan.discriminator.state_dict()[k]) for k, v in d0.items()), "D waits"
    assert any(not torch.equal(v, gan.generator.state_dict()[k]) for k, v in g0.items()), "G learns"
    assert "d_loss" in trainer.step(x), "the GAN phase starts after pretrain_steps"


def test_pretrain_needs_reconstruction(tiny_dict):
    tiny_dict["trainer"]["pretrain_steps"] = 2
    tiny_dict.pop("reconstruction")
    cfg = config_from_dict(tiny_dict)
    with pytest.raises(ConfigError, match=r"trainer\.pretrain_steps"):
        cfg.trainer.build(build_gan(cfg))
