"""The colorizer's Gradio page: upload a photo (colour or gray), get the colorized PNG."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import numpy as np

from gancore.data.images import to_rgb
from gancore.inference import load_generator

from .infer import colorize

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "demo"


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
            inp = gr.Image(
                label="Photo", type="pil", image_mode=None, sources=["upload", "clipboard"], elem_id="input-image"
            )
            out = gr.Image(label="Colorized", type="numpy", format="png", interactive=False, elem_id="output-image")
        button = gr.Button("Colorize", variant="primary", elem_id="colorize-button")
        button.click(run, inputs=inp, outputs=out, api_name="colorize")
        examples = sorted(EXAMPLES.glob("*.jpg")) if EXAMPLES.is_dir() else []
        if examples:
            gr.Examples([[str(p)] for p in examples], inputs=inp)
    return page
