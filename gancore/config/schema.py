"""The typed, frozen config of a GAN run, loaded from JSON. See ``configs/*.json``.

cfg = load_config("configs/colorizer.json")      # ConfigError names the JSON path on any mistake
cfg.trainer.options.g_learn_rate                 # 0.0002
save_config(cfg, "run/config.json")              # the resolved config, defaults filled in
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .. import latent, losses, penalties, samplers, trainers  # noqa: F401  (every component registered)
from ..errors import ConfigError, UserError
from ..layers.defaults import LayerDefaults
from ..tasks import load_task_plugins
from ..tricks import TricksConfig
from .components import (
    LatentConfig,
    LossConfig,
    PenaltiesConfig,
    ReconstructionConfig,
    SamplerConfig,
    TaskConfig,
    TrainerConfig,
)
from .fields import from_dict, to_dict


@dataclass(frozen=True)
class NetworkConfig:
    """A network in the layer DSL. ``input`` is the name it starts from; ``defaults`` (HyperGAN
    0.10) gives every weight layer an activation, initializer, filter, stride or avg_pool."""

    layers: tuple[str, ...]
    input: str = "condition"
    defaults: LayerDefaults = field(default_factory=LayerDefaults)


@dataclass(frozen=True)
class DataConfig:
    size: int = 128  # training crop, pixels (square)
    batch: int = 16  # images per step PER PROCESS: with `torchrun --nproc_per_node=N` a step sees N * batch
    workers: int = 2  # DataLoader worker processes; 0 decodes in the main process
    scale_min: float = 0.5  # before cropping, images are resized so their short side is
    # between `size` and `size / scale_min` (random), so crops see whole scenes, not just texture
    upscale: bool = True  # false: an image is never enlarged before cropping (the short side drawn is capped
    # at the image's own, but not below `size`), so super-resolution targets keep their real detail
    cache: Literal["auto"] | bool = "auto"  # decode every image once, downscaled to the largest size a crop
    # uses, and keep it in memory (uint8); "auto": when that takes under about 1 GB
    replay: str = ""  # a folder of photos the start model knew, mixed into every batch (gancore/data/replay.py);
    # a default fine-tune sets the bundled assets/photos; "": none
    replay_share: float = 0.5  # of each batch's crops drawn from `replay`, in [0, 1)


@dataclass(frozen=True)
class TrainConfig:
    steps: int = 10000  # iterations (one real batch each)
    log_every: int = 10  # steps between progress/TensorBoard scalars (and the only host syncs)
    sample_every: int = 500  # steps between sample-grid PNGs
    checkpoint_every: int = 1000  # steps between checkpoints (one is also written at the end)
    keep_checkpoints: int = 3  # older checkpoints are deleted
    seed: int = 0  # weights are initialised from it; each process's random stream from seed + rank
    precision: Literal["auto", "bf16", "fp32"] = "auto"  # "auto": bf16 autocast on CUDA GPUs that have bf16
    channels_last: Literal["auto"] | bool = "auto"  # NHWC memory format for weights and batches; "auto": on CUDA
    compile: bool | Literal["default", "reduce-overhead", "max-autotune", "max-autotune-no-cudagraphs"] = False
    # torch.compile G's and D's forward (true = "default" mode); the first steps are slow while it compiles
    threads: int = 0  # torch's intra-op threads for the run (0: torch's default, one per core); `make bench`
    # measures it: on a core shared with other work, fewer threads than cores can be faster
    init_generator: str | None = None  # a generator export or checkpoint whose G weights start the run
    # (ESRGAN's GAN fine-tune of a PSNR model); its generator config must match this one's
    init_partial: bool = False  # with init_generator: layers whose weights do not fit (a changed layer) start
    # fresh instead of being an error; every one is named, and the start is then no model (never kept)
    fine_tune: bool = False  # set by a default fine-tune (gancore/finetune.py): the learning rates are scaled
    # down already, so a fine-tune of this run's model keeps them instead of scaling them again
    val_every: int = 0  # steps between scores on the held-out photos (0: at every checkpoint; engine/validation.py)
    val_crops: int = 4  # fixed crops per held-out photo (at most 64 crops in all: a check's cost is bounded)
    select: str = ""  # the measure the kept model is chosen by ("": the task's headline, e.g. psnr)
    stop_drop: float = 1.0  # stop when the headline falls this far below the start's at two checks in a row (0: never)
    minutes: float = (
        0.0  # a time budget for the whole run: steps, checks and the LR schedule are fitted to it (0: none)
    )

    def __post_init__(self) -> None:
        from ..errors import ConfigError

        for name in ("val_every", "val_crops", "stop_drop", "minutes"):
            value = getattr(self, name)
            if not value >= 0 or value != value or value == float("inf"):
                raise ConfigError(f"train.{name}", f"must be a finite number of 0 or more, got {value}")
        if self.val_crops < 1:
            raise ConfigError("train.val_crops", f"must be at least 1, got {self.val_crops}")


@dataclass(frozen=True)
class Config:
    """Everything that defines a run. The JSON file has the same keys."""

    task: TaskConfig
    generator: NetworkConfig
    discriminator: NetworkConfig
    loss: LossConfig = field(default_factory=lambda: LossConfig.from_json({"type": "least_squares"}, "loss"))
    reconstruction: ReconstructionConfig | None = None
    latent: LatentConfig = field(default_factory=lambda: LatentConfig.from_json({"type": "gaussian"}, "latent"))
    trainer: TrainerConfig = field(default_factory=lambda: TrainerConfig.from_json({"type": "alternating"}, "trainer"))
    penalty: PenaltiesConfig = field(default_factory=PenaltiesConfig)  # one penalty or a list (gancore/penalties)
    tricks: TricksConfig = field(
        default_factory=TricksConfig
    )  # training heuristics, each off by default (gancore/tricks)
    sampler: SamplerConfig = field(default_factory=lambda: SamplerConfig.from_json({"type": "static_batch"}, "sampler"))
    data: DataConfig = DataConfig()
    train: TrainConfig = TrainConfig()
    description: str = ""

    def replace(self, section: str, **changes: Any) -> Config:
        """A copy with fields of one dataclass section changed: ``cfg.replace("data", size=64)``."""
        return dataclasses.replace(self, **{section: dataclasses.replace(getattr(self, section), **changes)})


MAX_SIZE = 8192  # px: a training crop (and the colorizer's inference size) side at most this
MAX_BATCH = 65536


def _positive(cfg: Config) -> None:
    for section, names in (
        ("data", ("size", "batch")),
        ("train", ("steps", "log_every", "sample_every", "checkpoint_every", "keep_checkpoints")),
    ):
        for name in names:
            if getattr(getattr(cfg, section), name) < 1:
                raise ConfigError(
                    f"{section}.{name}", f"must be at least 1, got {getattr(getattr(cfg, section), name)}"
                )
    for name, limit in (("size", MAX_SIZE), ("batch", MAX_BATCH), ("workers", 256)):
        if getattr(cfg.data, name) > limit:
            raise ConfigError(f"data.{name}", f"must be at most {limit}, got {getattr(cfg.data, name)}")
    if cfg.data.workers < 0:
        raise ConfigError("data.workers", f"must be 0 or more, got {cfg.data.workers}")
    if not 0 <= cfg.train.threads <= 1024:
        raise ConfigError("train.threads", f"must be 0 (one per core) to 1024, got {cfg.train.threads}")
    if not 0 <= cfg.data.replay_share < 1:
        raise ConfigError("data.replay_share", f"must be in [0, 1), got {cfg.data.replay_share}")
    if not 0 < cfg.data.scale_min <= 1:
        raise ConfigError("data.scale_min", f"must be in (0, 1], got {cfg.data.scale_min}")


def config_from_dict(data: Any) -> Config:
    """Validate a parsed JSON object into a ``Config``."""
    load_task_plugins()
    cfg = from_dict(Config, data, "")
    _positive(cfg)
    return cfg


def load_config(path: str | Path) -> Config:
    """Read and validate a JSON config file; every problem is a UserError naming file and path."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise UserError(f"config file not found: {path}") from None
    except json.JSONDecodeError as err:
        raise UserError(f"{path}: not valid JSON: {err.msg} at line {err.lineno} column {err.colno}") from None
    try:
        return config_from_dict(data)
    except ConfigError as err:
        raise ConfigError(err.path, f"{err.message}   (in {path})") from None


def config_to_dict(cfg: Config) -> dict[str, Any]:
    return to_dict(cfg)


def save_config(cfg: Config, path: str | Path) -> None:
    """Write the config as JSON atomically (a temporary file renamed over ``path``): a kill while
    writing leaves the old file or the new one, never a truncated one. An identical file is left alone."""
    path = Path(path)
    text = json.dumps(config_to_dict(cfg), indent=2) + "\n"
    try:
        if path.read_text() == text:
            return
    except (OSError, UnicodeDecodeError):
        pass
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
