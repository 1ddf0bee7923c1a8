"""Latent distributions (``LATENTS``): gaussian, uniform (with HyperGAN's projections), truncated
gaussian, sphere, binary, modal, categorical."""

from .base import LATENTS, LatentOptions
from .distributions import Binary, Categorical, Gaussian, Modal, Sphere, TruncatedGaussian, Uniform

__all__ = [
    "LATENTS",
    "Binary",
    "Categorical",
    "Gaussian",
    "LatentOptions",
    "Modal",
    "Sphere",
    "TruncatedGaussian",
    "Uniform",
]
