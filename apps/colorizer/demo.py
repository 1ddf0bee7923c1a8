"""The colorizer's Gradio page: upload a photo, see it gray, paint colour strokes where you know the colour,
get the colorized PNG.

The photo goes into an image editor and is shown gray (its lightness: all the model keeps). The
brush paints in a layer above it; every painted pixel (alpha at least 50 %) is a colour hint, its
colour's a* b* the wanted chroma (hints.py). Without strokes the model colorizes automatically.
A model without hint inputs ignores the strokes and says so.
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
from .evaluate import gray_baseline
from .infer import colorize

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "demo"
MAX_PIXELS = 40_000_000  # a page, not a batch job: `run` takes more (--max-pixels) (checked from the header)
PALETTE = [  # the brush's preset colours; the colour picker gives any other
    "#3a7bd5",  # sky blue
    "#1f4e79",  # deep water
    "#3c8d2f",  # foliage
    "#a4c639",  # grass
    "#e0ac69",  # skin
    "#c0392b",  # red
    "#f1c40f",  # yellow
    "#8e5b3a",  # wood, earth
    "#8e44ad",  # purple
    "#808080",  # neutral: keep this gray
]


def examples_for_the_editor() -> list[list[dict]]:
    """The page's examples as editor values, each photo once: first the photos that have strokes in
    ``colorizer-hints/`` (a hint image of the same stem, as ``run --hints`` finds it), then the others."""
    photos = sorted(EXAMPLES.glob("*.jpg")) if EXAMPLES.is_dir() else []
    strokes = {p: EXAMPLES / "colorizer-hints" / f"{p.stem}.png" for p in photos}
    with_strokes = [[{"background": str(p), "layers": [str(s)], "composite": None}] for p, s in strokes.items()
                    if s.is_file()]  # fmt: skip
    plain = [[{"background": str(p), "layers": [], "composite": None}] for p, s in strokes.items() if not s.is_file()]
    return with_strokes + plain


def _pil(image) -> Image.Image:
    return image if isinstance(image, Image.Image) else Image.fromarray(np.asarray(image))


def painted_hints(layers: list | None, size: tuple[int, int]) -> np.ndarray | None:
    """The editor's painted layers as one hint image, RGBA ``uint8 (H, W, 4)`` at ``size`` (W, H), later
    layers over earlier ones; None when nothing was painted (alpha below 50 % everywhere)."""
    canvas = Image.new("RGBA", size, (0, 0, 0, 0))
    for layer in layers or []:
        if layer is None:
            continue
        img = _pil(layer).convert("RGBA")
        if img.size != size:
            img = img.resize(size, Image.Resampling.NEAREST)  # no hint colour blended with transparency
        canvas = Image.alpha_composite(canvas, img)
    rgba = np.asarray(canvas)
    return rgba if (rgba[..., 3] >= 128).any() else None


SHOWN_GRAY = "The photo as the model sees it, gray. Paint colour strokes where you know the colour, or just Colorize."


def as_gray(editor: dict | None):
    """The upload handler: the editor's photo replaced by its gray version (the lightness the model
    sees), and the note that says so. Strokes already in the editor (an example's) are kept."""
    background = (editor or {}).get("background")
    if background is None:
        return gr.skip(), gr.skip()
    gray = Image.fromarray(gray_baseline(np.asarray(to_rgb(_pil(background)))))
    layers = [layer for layer in (editor or {}).get("layers") or [] if layer is not None]
    composite = gray.convert("RGBA")
    for layer in layers:
        img = _pil(layer).convert("RGBA")
        composite = Image.alpha_composite(composite, img if img.size == gray.size else img.resize(gray.size))
    return {"background": gray, "layers": layers, "composite": composite}, SHOWN_GRAY


def make_demo(model: Path, device: str = "cpu") -> gr.Blocks:
    from ..pickers import Loaded, compare_view, compared, model_choices, pickers, result_view

    choices = model_choices("colorizer", Path(model))
    loaded = Loaded(choices, lambda path: load_generator(path, device, task="colorizer"))
    first = next(iter(choices))
    takes_hints = loaded(first)[0].channels == 4

    def run(photo, hints: np.ndarray | None, label: str = first, saturation: float = 1.0) -> tuple[np.ndarray, str]:
        task, gen, cfg = loaded(label)
        rgb = np.asarray(to_rgb(photo))
        if rgb.shape[0] * rgb.shape[1] > MAX_PIXELS:
            raise refuse(
                f"The photo exceeds {MAX_PIXELS // 1_000_000} MP; use the `run` command (--max-pixels for above 89 MP)."
            )
        if hints is None:
            note = "Colorized automatically (no colour strokes)."
        elif task.channels != 4:
            hints, note = None, "This model takes no colour hints: the strokes were ignored."
        else:
            note = f"Colorized with {int((hints[..., 3] >= 128).sum()):,} hint pixels."
        kind = {"temperature": task.options.temperature, "saturation": saturation}
        return colorize(gen, cfg.data.size, rgb, device, hints, task.channels, **kind), note

    def run_page(editor, label=first, other=None, saturation=1.0):
        background = (editor or {}).get("background")
        if background is None:
            raise refuse("Upload a photo first.")
        photo = to_rgb(to_srgb(_pil(background)))  # a colour profile the upload kept: converted
        hints = painted_hints(editor.get("layers"), photo.size)
        saturation = 1.0 if saturation is None else float(saturation)
        out, note = run(photo, hints, label, saturation)
        gray = gray_baseline(np.asarray(photo))
        view = compared(
            label, Image.fromarray(out), other, lambda o: Image.fromarray(run(photo, hints, o, saturation)[0])
        )
        return (Image.fromarray(gray), Image.fromarray(out)), out, note, *view

    with gr.Blocks(title="Colorizer") as page:
        gr.Markdown(
            "# Colorizer\nUpload a photo, colour or black-and-white: it is shown gray. Press Colorize, or "
            "first paint a few strokes where you know the colour (a dress, a car, a door): pick a colour "
            "and brush over the area. The model keeps the photo's lightness and paints in the colour, at "
            "its full size; drag the slider to compare with the gray photo."
            + ("" if takes_hints else "\n\n*This model colorizes automatically only; strokes are ignored.*")
        )
        with gr.Row():
            editor = guarded(
                gr.ImageEditor(
                    label=f"Photo: paint colour hints (up to {MAX_PIXELS // 1_000_000} MP)",
                    type="pil",
                    image_mode="RGBA",
                    sources=["upload", "clipboard"],
                    brush=gr.Brush(colors=PALETTE, default_color=PALETTE[0], color_mode="defaults", default_size=12),
                    transforms=(),
                    format="png",
                    elem_id="editor",
                ),
                MAX_PIXELS,
            )
            slider, out = result_view("Gray | colorized", "Colorized (PNG)", "numpy")
        with gr.Row():
            chosen, other = pickers(list(choices))
            vivid = gr.Slider(
                0, 2, value=1, step=0.05, elem_id="saturation",
                label="Saturation (1 = as the model predicts; more is more vivid, and more often wrong)",
            )  # fmt: skip
        with gr.Row():
            button = gr.Button("Colorize", variant="primary", elem_id="colorize-button")
            info = gr.Markdown(elem_id="colorize-info")
        row, first_out, second_out = compare_view()
        editor.upload(as_gray, inputs=editor, outputs=[editor, info], api_visibility="private")
        button.click(
            run_page,
            inputs=[editor, chosen, other, vivid],
            outputs=[slider, out, info, row, first_out, second_out],
            api_name="colorize_page",
            api_visibility="private",
        )
        examples = examples_for_the_editor() if takes_hints else [[str(p)] for p in sorted(EXAMPLES.glob("*.jpg"))]
        if examples:
            gr.Examples(
                examples, inputs=editor, label="Examples (gray photos, one with colour strokes: press Colorize)"
            )

        # the endpoint for programs (gradio_client): /colorize (image[, hint image]) -> one PNG
        colorized = gr.Image(label="colorized", type="numpy", format="png", render=False)

        def api_colorize(image, hint_image=None):
            if image is None:
                raise refuse("Send a photo.")
            photo = to_rgb(image)
            hints = None
            if hint_image is not None:
                hints = painted_hints([hint_image], photo.size)
            return run(photo, hints)[0]

        hidden_endpoint(api_colorize, "colorize", ["image", "hints"], colorized, MAX_PIXELS)
    return page
