"""The classical large-hole fills: PatchMatch (content-aware fill) and OpenCV contrib's FSR."""

from __future__ import annotations

import numpy as np

from .registry import peer


@peer("patchmatch")
class PatchMatch:
    """Barnes et al. 2009 through ``pypatchmatch`` (its bundled library), patch size 5 as its docs use."""

    def __init__(self, scale: int, threads: int):
        from patchmatch import patch_match

        self.inpaint = patch_match.inpaint

    def __call__(self, rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
        out = self.inpaint(np.ascontiguousarray(rgb), np.where(mask, 255, 0).astype(np.uint8), patch_size=5)
        return np.where(mask[..., None], out, rgb)  # known pixels exactly as given


@peer("xphoto-fsr")
class FSR:
    """Frequency-selective reconstruction (Seiler et al.), ``cv2.xphoto.inpaint`` with INPAINT_FSR_FAST."""

    def __init__(self, scale: int, threads: int):
        import cv2

        cv2.setNumThreads(threads)
        self.cv2 = cv2

    def __call__(self, rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
        cv2 = self.cv2
        out = np.zeros_like(rgb)
        known = np.where(mask, 0, 255).astype(np.uint8)  # xphoto: non-zero = valid pixels
        cv2.xphoto.inpaint(np.ascontiguousarray(rgb), known, out, cv2.xphoto.INPAINT_FSR_FAST)
        return np.where(mask[..., None], out, rgb)
