"""The one exception a user ever sees, and its config-specific form.

Every mistake a user can make (a bad config, a missing folder, an unreadable checkpoint) raises
``UserError``; the CLI prints its message on one line and exits with status 2. Programming errors
stay ordinary exceptions and keep their tracebacks.
"""

from __future__ import annotations


class UserError(Exception):
    """A mistake in what the user asked for, with a message that says how to fix it."""


class ConfigError(UserError):
    """A bad config value. ``path`` is the JSON path, e.g. ``generator.layers[7]``.

    >>> str(ConfigError("trainer.g_learn_rate", "expected a number, got 'fast'"))
    "trainer.g_learn_rate: expected a number, got 'fast'"
    """

    def __init__(self, path: str, message: str):
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


class BadOutput(Exception):
    """A model's output that must not be written (NaN or infinite values): ``run`` fails that file, named."""


def check_finite(output, what: str = "the model's output") -> None:
    """Raise ``BadOutput`` when a tensor holds NaN or infinite values (they would be written black)."""
    import torch

    if not bool(torch.isfinite(output).all()):
        raise BadOutput(f"{what} holds NaN or infinite values (an overflow, or a broken model); nothing written")


def join_path(path: str, key: str | int) -> str:
    """``join_path("generator", "layers") == "generator.layers"``; ints become ``[i]``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key
