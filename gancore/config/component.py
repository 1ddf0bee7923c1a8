"""``{"type": "least_squares", ...options}``: a component named in a registry, with typed options.

Each registered component class carries an ``Options`` frozen dataclass; the JSON object's other
keys are checked against it. ``ComponentConfig`` subclasses pick the registry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ..errors import ConfigError, join_path
from ..registry import Registry
from .fields import from_dict, to_dict


@dataclass(frozen=True)
class NoOptions:
    """For components that take no options."""


@dataclass(frozen=True)
class ComponentConfig:
    type: str
    options: Any = NoOptions()

    registry: ClassVar[Registry[Any] | None] = None

    @classmethod
    def get_registry(cls) -> Registry[Any]:
        assert cls.registry is not None, f"{cls.__name__} has no registry"
        return cls.registry

    @classmethod
    def from_json(cls, value: Any, path: str) -> ComponentConfig:
        if isinstance(value, str):  # "loss": "hinge" is short for {"type": "hinge"}
            value = {"type": value}
        if not isinstance(value, Mapping) or "type" not in value:
            raise ConfigError(path, f'expected an object with a "type", got {value!r}')
        if not isinstance(value["type"], str):
            raise ConfigError(join_path(path, "type"), f"expected a string, got {value['type']!r}")
        component = cls.get_registry().get(value["type"], join_path(path, "type"))
        options_cls = getattr(component, "Options", NoOptions)
        return cls(value["type"], from_dict(options_cls, value, path, skip=("type",)))

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, **to_dict(self.options)}

    def replace(self, **changes: Any) -> ComponentConfig:
        return dataclasses.replace(self, options=dataclasses.replace(self.options, **changes))

    def build(self, *args: Any, **kwargs: Any) -> Any:
        """Instantiate the component: ``Class(options, *args, **kwargs)``."""
        return self.get_registry().get(self.type)(self.options, *args, **kwargs)
