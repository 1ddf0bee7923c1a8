"""Configs: JSON on disk, typed frozen dataclasses in memory."""

from .schema import (
    Config,
    DataConfig,
    NetworkConfig,
    TrainConfig,
    config_from_dict,
    config_to_dict,
    load_config,
    save_config,
)

__all__ = [
    "Config",
    "DataConfig",
    "NetworkConfig",
    "TrainConfig",
    "config_from_dict",
    "config_to_dict",
    "load_config",
    "save_config",
]
