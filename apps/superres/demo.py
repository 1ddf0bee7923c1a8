"""The upscaler's Gradio page: upload a picture, pick the factor, get the PNG and a before/after slider."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
from PIL import Image

from ..uploads import guarded
from .infer import Upscaler

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "demo"
MAX_OUTPUT_PIXELS = 100_000_000  # a page, not a batch job: `run` takes any size
MAX_INPUT_PIXELS = MAX_OUTPUT_PIXELS // 4  # checked from the upload's header, before decoding (x2 fits)


def before_after(up: Upscaler, image: Image.Image, scale: int) -> tuple[Image.Image, Image.Image]:
    """(bicubic, model) at ``scale`` x the input's size; the model's keeps the input's mode (PNG)."""
    out = up.upscale(image, scale)
    before = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    return before.resize(out.size, Image.Resampling.BICUBIC), out


def make_demo(model: Path, device: str = "cpu") -> gr.Blocks:
    up = Upscaler.load(model, device)
    choices = [f"x{s}" for s in range(2, up.scale + 1)]

    def run(image, factor):
        if image is None:
            raise gr.Error("Upload a picture first.")
        scale = int(str(factor).lstrip("x"))
        if image.width * image.height * scale * scale > MAX_OUTPUT_PIXELS:
            raise gr.Error(f"The output would exceed {MAX_OUTPUT_PIXELS // 1_000_000} MP; use the `run` command.")
        before, after = before_after(up, image, scale)
        return (before, after), after

    with gr.Blocks(title="Super-resolution") as page:
        gr.Markdown(
            f"# Super-resolution\nUpload a picture and pick the factor. The model upscales x{up.scale} "
            "tile by tile (lower factors resample its output); drag the slider to compare with bicubic."
        )
        with gr.Row():
            inp = guarded(
                gr.Image(
                    label=f"Picture (up to {MAX_INPUT_PIXELS // 1_000_000} MP)",
                    type="pil",
                    image_mode=None,
                    sources=["upload", "clipboard"],
                    elem_id="input-image",
                ),
                MAX_INPUT_PIXELS,
            )
            with gr.Column():
                factor = gr.Radio(choices, value=choices[-1], label="Scale", elem_id="scale")
                button = gr.Button("Upscale", variant="primary", elem_id="upscale-button")
        slider = gr.ImageSlider(
            label="Bicubic | model", type="pil", format="png", interactive=False, elem_id="before-after"
        )
        out = gr.Image(
            label="Upscaled (PNG)", type="pil", image_mode=None, format="png", interactive=False, elem_id="output"
        )
        examples = sorted((EXAMPLES / "superres").glob("*.png"))
        if examples:
            gr.Examples([[str(p), choices[-1]] for p in examples], inputs=[inp, factor], label="Examples")
        page_event = {"api_name": "upscale_page", "api_visibility": "private"}  # the page's own; programs: /upscale
        button.click(run, inputs=[inp, factor], outputs=[slider, out], **page_event)

        # the endpoint for programs (gradio_client): /upscale (image, scale as an integer) -> one PNG
        def api_upscale(image, scale):
            if image is None:
                raise gr.Error("Send a picture.")
            try:
                factor = int(scale)
            except (TypeError, ValueError):
                raise gr.Error(f"scale must be an integer from 2 to {up.scale}, got {scale!r}") from None
            if not 2 <= factor <= up.scale or factor != scale:
                raise gr.Error(f"scale must be an integer from 2 to {up.scale}, got {scale!r}")
            return run(image, factor)[1]

        with gr.Row(visible=False):
            api_in = guarded(gr.Image(label="image", type="pil", image_mode=None), MAX_INPUT_PIXELS)
            api_scale = gr.Number(label="scale", value=up.scale, precision=0)
            api_out = gr.Image(label="upscaled", type="pil", image_mode=None, format="png")
            api_button = gr.Button("api")
        api_button.click(api_upscale, inputs=[api_in, api_scale], outputs=api_out, api_name="upscale")
    return page
