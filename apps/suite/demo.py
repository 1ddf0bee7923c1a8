"""``python -m apps demo`` (``make demo``): one Gradio page with a tab per installed app.

Apps are found through the ``gancore.apps`` entry points (each an ``App``), in a fixed order
(colorizer, inpainter, superres, then any other). Each tab is the app's own page with its shipped
model, so the endpoints a program calls are the apps' own: ``/colorize``, ``/fill``, ``/upscale``.
"""

from __future__ import annotations

import argparse
import sys
from importlib.metadata import entry_points
from pathlib import Path

from .models import shown

ORDER = {"colorizer": 0, "inpainter": 1, "superres": 2}


def installed_apps() -> list:
    """Every ``App`` named in the ``gancore.apps`` entry-point group, the three bundled ones first."""
    found = [entry.load() for entry in entry_points(group="gancore.apps")]
    return sorted(found, key=lambda app: (ORDER.get(app.name, 99), app.name))


def make_suite(device: str = "cpu", models: dict[str, Path] | None = None):
    """The page: a tab per app that has a model (its default, or ``models[name]``)."""
    import gradio as gr

    tabs = []
    for app in installed_apps():
        model = (models or {}).get(app.name, app.default_model)
        if not Path(model).is_file():
            print(f"warning: no model for {app.name} at {model}; its tab is left out", file=sys.stderr)
            continue
        tabs.append((app, Path(model), app.make_demo(Path(model), device)))
    if not tabs:
        from gancore.errors import UserError

        raise UserError("no app has a model to serve")
    with gr.Blocks(title="gancore: colorize, fill holes, upscale") as page:
        gr.Markdown("# gancore\nColorize old photos, fill holes, upscale pictures: models trained by this project.")
        with gr.Tabs():
            for app, model, blocks in tabs:
                with gr.Tab(app.title or app.name, id=app.name, elem_id=f"tab-{app.name}"):
                    gr.Markdown(f"{app.summary}  \nModel: `{shown(model)}`")
                    blocks.render()
    return page


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m apps demo", description="serve the suite's page (a tab per app)")
    p.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
    args = p.parse_args(argv)
    import os

    from gancore.cli import serve
    from gancore.errors import UserError

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    try:
        page = make_suite(args.device)
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return serve(page, "the gancore demo (one tab per app)", args.host, args.port)
