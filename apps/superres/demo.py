"""The upscaler's Gradio page: upload a picture, pick the factor, get the PNG and a before/after slider."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
from PIL import Image

from gancore.data.profiles import to_srgb

from ..pickers import compare_view, compared, pickers
from ..uploads import guarded, refuse
from .infer import Upscaler

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "demo"
MAX_OUTPUT_PIXELS = 100_000_000  # a page, not a batch job: `run` takes more (--max-pixels)
MAX_INPUT_PIXELS = MAX_OUTPUT_PIXELS // 4  # checked from the upload's header, before decoding (x2 fits)


def before_after(up: Upscaler, image: Image.Image, scale: int) -> tuple[Image.Image, Image.Image]:
    """(bicubic, model) at ``scale`` x the input's size; the model's keeps the input's mode (PNG)."""
    out = up.upscale(image, scale)
    before = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    return before.resize(out.size, Image.Resampling.BICUBIC), out


def shipped_models(model: Path) -> dict[str, tuple[Path, int]]:
    """``{label: (path, scale)}``: ``model`` first, then the other upscalers beside it (``superres-*``), then
    the user's own runs under ``runs/`` (their kept models), newest first."""
    import json

    from gancore.engine.checkpoint import read_metadata
    from gancore.models import user_runs

    others = sorted(p for p in model.parent.glob("superres-*.safetensors") if p.resolve() != model.resolve())
    runs = [r / "generator.safetensors" for r in user_runs("superres")]
    paths = [model, *others, *runs]
    found = {}
    for path in paths:
        try:
            scale = int(json.loads(read_metadata(path)["config"])["task"]["scale"])
        except Exception:  # not an upscaler, or unreadable: not offered
            continue
        if path.name == "generator.safetensors":  # a run of the user's
            found[f"{path.parent.name} (x{scale}, your run)"] = (path, scale)
            continue
        kind = "GAN: sharper texture" if path.stem.endswith("-gan") else "PSNR: faithful"
        found[f"{path.stem} (x{scale}, {kind})"] = (path, scale)
    return found


def has_partner(model: Path) -> bool:
    """Whether a GAN model has the PSNR model ``--strength`` blends it with (``strength.partner``)."""
    from gancore.errors import UserError

    from .strength import partner

    if not Path(model).stem.endswith("-gan") and Path(model).name != "generator.safetensors":
        return False
    try:
        import json

        from gancore.engine.checkpoint import read_metadata

        init = json.loads(read_metadata(model)["config"])["train"].get("init_generator")
        partner(Path(model), init)
        return True
    except (UserError, KeyError, ValueError):
        return False


def make_demo(model: Path, device: str = "cpu") -> gr.Blocks:
    models = shipped_models(Path(model))
    if not models:
        Upscaler.load(model, device)  # names what is wrong with the file
    labels = list(models)
    loaded: dict[str, Upscaler] = {}

    def upscaler(label: str, strength: float | None = None) -> Upscaler:
        """The model of ``label``; for a GAN model with a PSNR partner and ``strength`` below 1, the two
        networks interpolated (``strength.py``); other models ignore the strength."""
        if label not in models:
            raise refuse(f"unknown model {label!r}")
        path = models[label][0]
        if strength is not None and (strength >= 1 or not has_partner(path)):
            strength = None
        key = f"{label}@{strength}"
        if key not in loaded:
            if len(loaded) >= 6:  # a few strengths at once: the oldest goes
                loaded.pop(next(iter(loaded)))
            loaded[key] = Upscaler.load(path, device, strength=strength)
        return loaded[key]

    up = upscaler(labels[0])
    top = max(scale for _, scale in models.values())
    choices = [f"x{s}" for s in range(2, top + 1)]

    def run(image, factor, label=labels[0], strength=1.0, other=None):
        if image is None:
            raise refuse("Upload a picture first.")
        image = to_srgb(image)  # a colour profile the upload kept: converted, as `run` does
        scale = int(str(factor).lstrip("x"))
        if image.width * image.height * scale * scale > MAX_OUTPUT_PIXELS:
            raise refuse(
                f"The output would exceed {MAX_OUTPUT_PIXELS // 1_000_000} MP; use the `run` command "
                "(--max-pixels for above 89 MP)."
            )

        def upscaled(name: str) -> tuple[Image.Image, Image.Image]:
            chosen = upscaler(name, None if strength is None else float(strength))
            if scale > chosen.scale:
                raise refuse(f"{name} upscales at most x{chosen.scale}; pick another model or a lower factor.")
            return before_after(chosen, image, scale)

        before, after = upscaled(label)
        return (before, after), after, *compared(label, after, other, lambda name: upscaled(name)[1])

    def for_scale(scale: int) -> str:
        """The API's model for a factor: a PSNR model of that scale, else the smallest larger one."""
        faithful = [(s, label) for label, (p, s) in models.items() if not p.stem.endswith("-gan") and s >= scale]
        if not faithful:
            raise refuse(f"scale must be an integer from 2 to {top}, got {scale!r}")
        return min(faithful)[1]

    with gr.Blocks(title="Super-resolution") as page:
        gr.Markdown(
            "# Super-resolution\nUpload a picture, pick the model and the factor. Each model upscales by its "
            "own factor tile by tile (lower factors resample its output); drag the slider to compare with bicubic. "
            "PSNR models are faithful; GAN models trade a little accuracy for sharper texture."
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
                chosen, other = pickers(labels)
                factor = gr.Radio(choices, value=f"x{up.scale}", label="Scale", elem_id="scale")
                strength = gr.Slider(
                    0, 1, value=1, step=0.05, label="Strength (GAN models: 0 = faithful, 1 = natural texture)",
                    elem_id="strength",
                )  # fmt: skip
                button = gr.Button("Upscale", variant="primary", elem_id="upscale-button")
        slider = gr.ImageSlider(
            label="Bicubic | model", type="pil", format="png", interactive=False, elem_id="before-after"
        )
        out = gr.Image(
            label="Upscaled (PNG)", type="pil", image_mode=None, format="png", interactive=False, elem_id="output"
        )
        row, first_out, second_out = compare_view()
        examples = sorted((EXAMPLES / "superres").glob("*.png"))
        if examples:
            gr.Examples([[str(p), f"x{up.scale}"] for p in examples], inputs=[inp, factor], label="Examples")
        page_event = {"api_name": "upscale_page", "api_visibility": "private"}  # the page's own; programs: /upscale
        button.click(
            run,
            inputs=[inp, factor, chosen, strength, other],
            outputs=[slider, out, row, first_out, second_out],
            **page_event,
        )

        # the endpoint for programs (gradio_client): /upscale (image, scale as an integer) -> one PNG
        def api_upscale(image, scale):
            if image is None:
                raise refuse("Send a picture.")
            try:
                factor = int(scale)
            except (TypeError, ValueError):
                raise refuse(f"scale must be an integer from 2 to {top}, got {scale!r}") from None
            if not 2 <= factor <= top or factor != scale:
                raise refuse(f"scale must be an integer from 2 to {top}, got {scale!r}")
            return run(image, factor, for_scale(factor))[1]  # (no compare: the row's outputs are dropped)

        with gr.Row(visible=False):
            api_in = guarded(gr.Image(label="image", type="pil", image_mode=None), MAX_INPUT_PIXELS)
            api_scale = gr.Number(label="scale", value=top)  # no rounding: 2.5 is refused, not made x2
            api_out = gr.Image(label="upscaled", type="pil", image_mode=None, format="png")
            api_button = gr.Button("api")
        api_button.click(api_upscale, inputs=[api_in, api_scale], outputs=api_out, api_name="upscale")
    return page
