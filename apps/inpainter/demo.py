"""The inpainter's Gradio page: upload a photo, paint over what should go (or upload a mask), get the PNG.

The editor's brush paints in a layer above the photo; every painted pixel (alpha > 0) is a hole.
An uploaded mask (white = fill, thresholded at 50 %, resized to the photo if needed) is added to
whatever was painted.
"""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import numpy as np
from PIL import Image

from gancore.data.images import to_rgb
from gancore.inference import load_generator

from ..uploads import guarded, hidden_endpoint
from .infer import MAX_SIDE, inpaint

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "demo" / "inpainter"
MAX_PIXELS = 40_000_000  # a page, not a batch job: `run` takes more (--max-pixels)


def painted_hole(layers: list | None, size: tuple[int, int]) -> np.ndarray:
    """The union of the editor's painted layers: ``(H, W)`` bool, True where any layer has alpha > 0."""
    hole = np.zeros((size[1], size[0]), dtype=bool)
    for layer in layers or []:
        if layer is None:
            continue
        img = layer if isinstance(layer, Image.Image) else Image.fromarray(np.asarray(layer))
        if img.size != size:
            img = img.resize(size, Image.Resampling.NEAREST)
        alpha = np.asarray(img.convert("RGBA"))[..., 3]
        hole |= alpha > 0
    return hole


def uploaded_hole(mask: Image.Image | None, size: tuple[int, int]) -> tuple[np.ndarray, str]:
    """An uploaded mask as ``(H, W)`` bool (white = fill) and a note if it had to be resized."""
    if mask is None:
        return np.zeros((size[1], size[0]), dtype=bool), ""
    note = ""
    if mask.size != size:
        note = f"The mask was {mask.width}x{mask.height}, the photo {size[0]}x{size[1]}: it was resized."
        mask = mask.resize(size, Image.Resampling.NEAREST)
    rgba = mask.convert("RGBA")
    gray = np.asarray(Image.alpha_composite(Image.new("RGBA", rgba.size, (0, 0, 0, 255)), rgba).convert("L"))
    return gray >= 128, note


def fill(task, gen, editor: dict | None, mask: Image.Image | None, device: str = "cpu") -> tuple[Image.Image, str]:
    """The page's handler: the editor's value (background + painted layers) and an optional mask -> (PNG, note)."""
    background = (editor or {}).get("background")
    if background is None:
        raise gr.Error("Upload a photo first.")
    photo = to_rgb(background if isinstance(background, Image.Image) else Image.fromarray(np.asarray(background)))
    if photo.width * photo.height > MAX_PIXELS:
        raise gr.Error(
            f"The photo exceeds {MAX_PIXELS // 1_000_000} MP; use the `run` command (--max-pixels for above 89 MP)."
        )
    hole_up, note = uploaded_hole(mask, photo.size)
    hole = painted_hole(editor.get("layers"), photo.size) | hole_up
    if not hole.any():
        raise gr.Error("Paint over what should be removed, or upload a mask.")
    out = inpaint(task, gen, np.asarray(photo), hole, device, MAX_SIDE)
    cover = f"Filled {hole.mean():.1%} of the photo."
    return Image.fromarray(out), f"{cover} {note}".strip()


def make_demo(model: Path, device: str = "cpu") -> gr.Blocks:
    task, gen, _ = load_generator(model, device, task="inpainter")

    def run(editor, mask):
        return fill(task, gen, editor, mask, device)

    with gr.Blocks(title="Inpainter") as page:
        gr.Markdown(
            "# Inpainter\nUpload a photo and paint over what should go (or upload a mask: white = fill). "
            "The model fills the holes; every other pixel stays exactly as it was."
        )
        with gr.Row():
            editor = guarded(
                gr.ImageEditor(
                    label=f"Photo: paint the holes (up to {MAX_PIXELS // 1_000_000} MP)",
                    type="pil",
                    image_mode="RGBA",
                    sources=["upload", "clipboard"],
                    brush=gr.Brush(colors=["#ff3b3b"], color_mode="fixed", default_size=24),
                    transforms=(),
                    elem_id="editor",
                ),
                MAX_PIXELS,
            )
            out = gr.Image(label="Filled", type="pil", format="png", interactive=False, elem_id="output-image")
        with gr.Row():
            mask = guarded(
                gr.Image(
                    label="Or upload a mask (white = fill)",
                    type="pil",
                    image_mode=None,
                    sources=["upload"],
                    elem_id="mask-image",
                ),
                MAX_PIXELS,
            )
            with gr.Column():
                button = gr.Button("Fill", variant="primary", elem_id="fill-button")
                info = gr.Markdown(elem_id="fill-info")
        pairs = [(p, p.with_name(f"{p.stem}-mask.png")) for p in sorted(EXAMPLES.glob("*.jpg"))]
        pairs = [[str(photo), str(m)] for photo, m in pairs if m.is_file()]
        if pairs:
            gr.Examples(pairs, inputs=[editor, mask], label="Examples (a photo and its mask: press Fill)")
        button.click(run, inputs=[editor, mask], outputs=[out, info], api_name="fill_page", api_visibility="private")

        # the endpoint for programs (gradio_client): /fill (image, mask image; white = fill) -> one PNG
        filled = gr.Image(label="filled", type="pil", format="png", render=False)

        def api_fill(image, mask_image):
            if image is None or mask_image is None:
                raise gr.Error("Send a photo and a mask (white = fill).")
            return fill(task, gen, {"background": image, "layers": []}, mask_image, device)[0]

        hidden_endpoint(api_fill, "fill", ["image", "mask"], filled, MAX_PIXELS)
    return page
