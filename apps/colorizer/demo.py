"""The colorizer's Gradio page: upload a photo (colour or gray), get the colorized PNG."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import numpy as np

from gancore.data.images import to_rgb
from gancore.inference import load_generator

from ..uploads import guarded
from .infer import colorize

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "demo"
MAX_PIXELS = 40_000_000  # a page, not a batch job: `run` takes any size (checked from the header)


def make_demo(model: Path, device: str = "cpu") -> gr.Blocks:
    _, gen, cfg = load_generator(model, device, task="colorizer")

    def run(image):
        if image is None:
            raise gr.Error("Upload a photo first.")
        rgb = np.asarray(to_rgb(image))
        return colorize(gen, cfg.data.size, rgb, device)

    with gr.Blocks(title="Colorizer") as page:
        gr.Markdown(
            "# Colorizer\nUpload a photo, colour or black-and-white. The model keeps its lightness "
            "and paints in the colour, at the photo's full size."
        )
        with gr.Row():
            inp = guarded(
                gr.Image(
                    label=f"Photo (up to {MAX_PIXELS // 1_000_000} MP)",
                    type="pil",
                    image_mode=None,
                    sources=["upload", "clipboard"],
                    elem_id="input-image",
                ),
                MAX_PIXELS,
            )
            out = gr.Image(label="Colorized", type="numpy", format="png", interactive=False, elem_id="output-image")
        button = gr.Button("Colorize", variant="primary", elem_id="colorize-button")
        button.click(run, inputs=inp, outputs=out, api_name="colorize")
        examples = sorted(EXAMPLES.glob("*.jpg")) if EXAMPLES.is_dir() else []
        if examples:
            gr.Examples([[str(p)] for p in examples], inputs=inp)
    return page
