"""Uploads on the demo pages: the size checked from the file's header before anything is decoded, and
an unreadable file answered in the page's own words (not Gradio's "Could not preprocess" trace).

``guarded(gr.Image(...), max_pixels)`` adds both to a component and returns it.
"""

from __future__ import annotations

import warnings
from typing import Any

import gradio as gr
from PIL import Image

NOT_AN_IMAGE = "That file is not an image this page can read (PNG, JPEG, WebP, BMP or TIFF)."


def refuse(message: str) -> gr.Error:
    """A user's mistake as the page shows it (a red toast), logged by nobody: Gradio prints a full
    traceback on the server for every ``gr.Error`` unless told not to, and a mistake is no bug."""
    return gr.Error(message, print_exception=False)


def _paths(payload: Any) -> list[str]:
    """The uploaded files behind a component's payload (an image, or an editor's background)."""
    if payload is None:
        return []
    found = []
    path = getattr(payload, "path", None)
    if isinstance(path, str):
        found.append(path)
    for key in ("background", "composite"):
        part = getattr(payload, key, None)
        if part is not None and isinstance(getattr(part, "path", None), str):
            found.append(part.path)
    return found


def check_header(path: str, max_pixels: int) -> None:
    """``gr.Error`` if the file is not an image or holds more than ``max_pixels`` (header only)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # DecompressionBombWarning: we say it ourselves
            with Image.open(path) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        raise refuse(f"The picture is far too large for this page (limit {max_pixels / 1e6:.0f} MP).") from None
    except Exception:
        raise refuse(NOT_AN_IMAGE) from None
    if width * height > max_pixels:
        raise refuse(
            f"The picture is {width} x {height} ({width * height / 1e6:.0f} MP); this page takes up to "
            f"{max_pixels / 1e6:.0f} MP. The `run` command takes larger ones (up to 89 MP unless "
            "--max-pixels says more)."
        )


def guarded(component: Any, max_pixels: int) -> Any:
    """The Gradio input ``component`` (a ``gr.Image``, ``gr.ImageEditor``) with the checks above, in place.

    The component's own ``preprocess`` is wrapped on the instance (a subclass of a Gradio component
    would make Gradio write a ``.pyi`` stub beside this file at import).
    """
    inner = component.preprocess

    def preprocess(payload):
        for path in _paths(payload):
            check_header(path, max_pixels)
        try:
            return inner(payload)
        except gr.Error:
            raise
        except Exception:
            raise refuse(NOT_AN_IMAGE) from None

    component.preprocess = preprocess
    return component


def hidden_endpoint(fn, api_name: str, labels: list[str], output: gr.components.Component, max_pixels: int) -> None:
    """An endpoint for programs (gradio_client) that the page does not show: one guarded PIL image
    input per label, ``output`` as its one named result, served as ``/api_name``."""
    with gr.Row(visible=False):
        inputs = [guarded(gr.Image(label=label, type="pil", image_mode=None), max_pixels) for label in labels]
        output.render()
        button = gr.Button("api")
    button.click(fn, inputs=inputs, outputs=output, api_name=api_name)
