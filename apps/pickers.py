"""What every tab of the page shares: a model picker (the app's shipped models, then the user's own
runs), a cache of loaded models, and the compare view (a second model on the same picture, side by
side with the first).

The colorizer's and inpainter's tabs build on these; the upscaler's lists its models with their
factors (``apps/superres/demo.py``) and uses the same compare view.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

NONE = "(none)"  # the compare picker's first choice: no second model
KEEP = 4  # loaded models kept at once per tab: the oldest goes


def model_choices(app: str, model: Path) -> dict[str, Path]:
    """``{label: generator file}``: ``model`` first, then the other shipped models of ``app`` beside it
    (``<app>*.safetensors``), then the user's runs under ``runs/`` (their kept models), newest first."""
    from gancore.models import user_runs

    model = Path(model)
    found = {_label(model, app): model}
    for other in sorted(model.parent.glob(f"{app}*.safetensors")):
        if other.resolve() != model.resolve():
            found[_label(other, app)] = other
    for run in user_runs(app):
        found[f"{run.name} (your run)"] = run / "generator.safetensors"
    return found


def _label(path: Path, app: str) -> str:
    if path.name == "generator.safetensors":
        return f"{path.parent.name} (your run)"
    return path.stem if path.stem.startswith(app) else f"{path.stem} ({path.parent.name})"


class Loaded:
    """Models by label, loaded on first use by ``load(path)`` and kept (at most ``KEEP``)."""

    def __init__(self, choices: dict[str, Path], load: Callable[[Path], Any]):
        self.choices, self.load, self.models = choices, load, {}

    def __call__(self, label: str | None) -> Any:
        """The model of ``label`` (None: the first choice)."""
        from .uploads import refuse

        label = label or next(iter(self.choices))
        if label not in self.choices:
            raise refuse(f"unknown model {label!r}; pick one of the list")
        if label not in self.models:
            if len(self.models) >= KEEP:
                self.models.pop(next(iter(self.models)))
            self.models[label] = self.load(self.choices[label])
        return self.models[label]


def pickers(labels: list[str]):
    """The model dropdown (``#model``) and the compare-with dropdown (``#compare-model``)."""
    import gradio as gr

    chosen = gr.Dropdown(labels, value=labels[0], label="Model", elem_id="model")
    compare = gr.Dropdown(
        [NONE, *labels],
        value=NONE,
        label="Compare with (runs a second model on the same picture)",
        elem_id="compare-model",
    )
    return chosen, compare


def result_view(slider_label: str, output_label: str, output_type: str = "pil"):
    """A tab's result, in a column: the before/after slider (``#before-after``) above the PNG
    (``#output-image``)."""
    import gradio as gr

    with gr.Column():
        slider = gr.ImageSlider(label=slider_label, type="pil", format="png", interactive=False, elem_id="before-after")
        out = gr.Image(label=output_label, type=output_type, format="png", interactive=False, elem_id="output-image")
    return slider, out


def compare_view():
    """The compare row (``#compare-view``, hidden until used): model A's and model B's results."""
    import gradio as gr

    with gr.Row(visible=False, elem_id="compare-view") as row:
        first = gr.Image(label="A", type="pil", format="png", interactive=False, elem_id="compare-a")
        second = gr.Image(label="B", type="pil", format="png", interactive=False, elem_id="compare-b")
    return row, first, second


def compared(label: str, image, other: str | None, make: Callable[[str], Any]) -> tuple:
    """The compare view's three outputs: hidden when ``other`` is none (or the same model), else the
    row shown with ``image`` (``label``'s result) and ``make(other)`` side by side, each named."""
    import gradio as gr

    if not other or other in (NONE, label):
        return gr.update(visible=False), gr.update(value=None), gr.update(value=None)
    return (  # updates (not new components), so the view's own PNG format applies to the values
        gr.update(visible=True),
        gr.update(value=image, label=f"A: {label}"),
        gr.update(value=make(other), label=f"B: {other}"),
    )
