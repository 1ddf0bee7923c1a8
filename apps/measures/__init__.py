"""What a person sees, as numbers every app's ``eval`` shares: naturalness (BRISQUE, no reference) and
texture inside a filled hole (gradient energy relative to the truth's). Fidelity (PSNR, SSIM) stays
with each app, which knows its own colour space and border rules."""

from .naturalness import brisque, brisque_files, mean_brisque
from .texture import texture_ratio

__all__ = ["brisque", "brisque_files", "mean_brisque", "texture_ratio"]
