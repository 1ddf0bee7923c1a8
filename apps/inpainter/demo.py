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
from gancore.data.profiles import to_srgb
from gancore.inference import load_generator

from ..uploads import guarded, hidden_endpoint, refuse
from .infer import MAX_SIDE, grow, inpaint

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "demo" / "inpainter"
MAX_PIXELS = 40_000_000  # a page, not a batch job: `run` takes more (--max-pixels)
HOLE_RED = (230, 40, 40)
BRUSH = 40  # px: the brush's default width, wide enough to paint over an object


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


def hole_of(editor: dict | None, mask: Image.Image | None, grow_px: int = 0) -> tuple[Image.Image, np.ndarray, str]:
    """The editor's photo (RGB), its hole ``(H, W)`` bool (painted layers and the uploaded mask, grown by
    ``grow_px`` as ``run --dilate``) and a note; a gr.Error when there is no photo or no hole."""
    background = (editor or {}).get("background")
    if background is None:
        raise refuse("Upload a photo first.")
    picture = background if isinstance(background, Image.Image) else Image.fromarray(np.asarray(background))
    photo = to_rgb(to_srgb(picture))  # a colour profile the upload kept: converted, as `run` does
    if photo.width * photo.height > MAX_PIXELS:
        raise refuse(
            f"The photo exceeds {MAX_PIXELS // 1_000_000} MP; use the `run` command (--max-pixels for above 89 MP)."
        )
    hole_up, note = uploaded_hole(mask, photo.size)
    hole = painted_hole(editor.get("layers"), photo.size) | hole_up
    if not hole.any():
        raise refuse("Paint over what should be removed, or upload a mask.")
    if grow_px:
        hole = grow(hole, int(grow_px))
    return photo, hole, note


def shown_hole(photo: Image.Image, hole: np.ndarray) -> Image.Image:
    """The photo with its hole painted red: the slider's "before"."""
    rgb = np.asarray(photo).copy()
    rgb[hole] = HOLE_RED
    return Image.fromarray(rgb)


def fill(task, gen, editor: dict | None, mask: Image.Image | None, device: str = "cpu", grow_px: int = 0):
    """The page's handler: the editor's value (background + painted layers), an optional mask and the
    growth in px -> (filled PNG, note)."""
    photo, hole, note = hole_of(editor, mask, grow_px)
    out = inpaint(task, gen, np.asarray(photo), hole, device, MAX_SIDE)
    cover = f"Filled {hole.mean():.1%} of the photo."
    return Image.fromarray(out), f"{cover} {note}".strip()


def make_demo(model: Path, device: str = "cpu") -> gr.Blocks:
    from ..pickers import Loaded, compare_view, compared, model_choices, pickers, result_view

    choices = model_choices("inpainter", Path(model))
    loaded = Loaded(choices, lambda path: load_generator(path, device, task="inpainter"))
    first = next(iter(choices))
    loaded(first)  # names what is wrong with the file now, not at the first request

    def run(editor, mask, label=first, other=None, grow_px=0):
        photo, hole, note = hole_of(editor, mask, grow_px)

        def filled(name: str) -> Image.Image:
            task, gen, _ = loaded(name)
            return Image.fromarray(inpaint(task, gen, np.asarray(photo), hole, device, MAX_SIDE))

        out = filled(label)
        info = f"Filled {hole.mean():.1%} of the photo. {note}".strip()
        return (shown_hole(photo, hole), out), out, info, *compared(label, out, other, filled)

    with gr.Blocks(title="Inpainter") as page:
        gr.Markdown(
            "# Inpainter\nUpload a photo and paint over what should go (or upload a mask: white = fill). "
            "The model fills the holes; every other pixel stays exactly as it was. Drag the slider to see "
            "the hole and the fill."
        )
        with gr.Row():
            editor = guarded(
                gr.ImageEditor(
                    label=f"Photo: paint the holes (up to {MAX_PIXELS // 1_000_000} MP)",
                    type="pil",
                    image_mode="RGBA",
                    sources=["upload", "clipboard"],
                    brush=gr.Brush(colors=["#ff3b3b"], color_mode="fixed", default_size=BRUSH),
                    transforms=(),
                    elem_id="editor",
                ),
                MAX_PIXELS,
            )
            slider, out = result_view("Hole | filled", "Filled (PNG)")
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
                chosen, other = pickers(list(choices))
                grow_px = gr.Slider(
                    0, 32, value=0, step=1, label="Grow the mask (px): covers an object's edge, avoids seams",
                    elem_id="grow",
                )  # fmt: skip
                button = gr.Button("Fill", variant="primary", elem_id="fill-button")
                info = gr.Markdown(elem_id="fill-info")
        row, first_out, second_out = compare_view()
        pairs = [(p, p.with_name(f"{p.stem}-mask.png")) for p in sorted(EXAMPLES.glob("*.jpg"))]
        pairs = [[str(photo), str(m)] for photo, m in pairs if m.is_file()]
        if pairs:
            gr.Examples(pairs, inputs=[editor, mask], label="Examples (a photo and its mask: press Fill)")
        button.click(
            run,
            inputs=[editor, mask, chosen, other, grow_px],
            outputs=[slider, out, info, row, first_out, second_out],
            api_name="fill_page",
            api_visibility="private",
        )

        # the endpoint for programs (gradio_client): /fill (image, mask image; white = fill) -> one PNG
        filled = gr.Image(label="filled", type="pil", format="png", render=False)

        def api_fill(image, mask_image):
            if image is None or mask_image is None:
                raise refuse("Send a photo and a mask (white = fill).")
            task, gen, _ = loaded(first)
            return fill(task, gen, {"background": image, "layers": []}, mask_image, device)[0]

        hidden_endpoint(api_fill, "fill", ["image", "mask"], filled, MAX_PIXELS)
    return page
