"""gancore: a conditional-GAN core with a HyperGAN-style layer DSL.

The pieces, each in its own module: ``dsl`` (layer strings), ``layers`` (the op registry),
``network`` (build a network with inferred shapes), ``config`` (typed frozen configs),
``data`` (image folders), ``losses``, ``trainers``, ``engine`` (the one training loop and
checkpoints), ``inference`` (``load_generator``), ``batch`` (folder processing) and ``cli``.
"""

from .errors import ConfigError, UserError

__version__ = "0.1.0"
__all__ = ["ConfigError", "UserError", "__version__"]
