"""GAN-training tricks, each a config switch: labels, instance noise, batches, init, DiffAugment, EMA."""

from .augment import diff_augment
from .config import TricksConfig
from .ema import ema_update, make_ema
from .init import dcgan_init
from .runtime import Tricks

__all__ = ["Tricks", "TricksConfig", "dcgan_init", "diff_augment", "ema_update", "make_ema"]
