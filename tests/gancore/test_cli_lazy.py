"""Apps name their parts with ``lazy("module:function")``: nothing heavy is imported until a verb needs it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gancore.app import lazy
from tests.helpers import ROOT


def test_lazy_calls_the_named_function():
    dumps = lazy("json:dumps")
    assert dumps([1, 2]) == "[1, 2]" and "json:dumps" in dumps.__name__


@pytest.mark.parametrize("app", ["colorizer", "inpainter", "superres"])
def test_an_apps_cli_does_not_import_gradio_until_the_demo(app):
    code = f"import sys, apps.{app}.__main__ as m; m.APP; print('gradio' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"
