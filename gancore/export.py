"""``export``: a trained generator as ONNX, checked against PyTorch with onnxruntime.

An app describes its graph with an ``Exportable``: a module taking image tensors in [0, 1]
(``(B, C, H, W)``, float32) and returning one in [0, 1], its input names, and example inputs made
from a real photo. The export uses PyTorch's ``dynamo`` exporter (opset 18) with the batch, height
and width dynamic; the check runs the same inputs through onnxruntime (CPU) and PyTorch and
reports the largest absolute difference.
"""

from __future__ import annotations

import contextlib
import io
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .errors import UserError

OPSET = 18
TOLERANCE = 1e-3  # on [0, 1] images, fp32


@dataclass
class Exportable:
    module: torch.nn.Module  # inputs in [0, 1] -> output in [0, 1]
    inputs: dict[str, torch.Tensor]  # name -> example (1, C, H, W) float32 from a real photo
    output: str  # the output's name
    multiple: int = 1  # H and W must be multiples of this
    note: str = ""  # what the inputs and output are, for the user
    dynamic: bool = True  # H and W dynamic; False: fixed at the example's (a network built for one size)


def export_onnx(spec: Exportable, path: Path) -> float:
    """Write ``spec.module`` to ``path`` as ONNX; returns the largest |onnxruntime - PyTorch| on its inputs."""
    try:
        import onnxruntime as ort
    except ImportError as err:
        raise UserError(
            "export needs onnx, onnxscript and onnxruntime: pip install onnx onnxscript onnxruntime"
        ) from err
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    names = list(spec.inputs)
    axes = {0: "batch", 2: "height", 3: "width"} if spec.dynamic else {0: "batch"}
    dims = {name: axes for name in [*names, spec.output]}
    module = spec.module.eval()
    started = time.perf_counter()
    tmp = path.with_name(f".{path.name}.tmp")
    log = io.StringIO()
    try:
        with (
            torch.no_grad(),
            warnings.catch_warnings(),
            contextlib.redirect_stdout(log),
            contextlib.redirect_stderr(log),
        ):
            warnings.simplefilter("ignore")  # the exporter's own progress and deprecation notes
            torch.onnx.export(
                module, tuple(spec.inputs.values()), str(tmp), input_names=names, output_names=[spec.output],
                dynamic_axes=dims,
                opset_version=OPSET, dynamo=True, external_data=False, verbose=False,
            )  # fmt: skip
        tmp.replace(path)
    except Exception as err:
        first = (str(err).strip().splitlines() or [type(err).__name__])[0][:300]
        raise UserError(f"the ONNX export failed: {first}") from None
    finally:
        tmp.unlink(missing_ok=True)
    seconds = time.perf_counter() - started
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run(None, {name: t.numpy() for name, t in spec.inputs.items()})[0]
    with torch.no_grad():
        want = module(*spec.inputs.values()).numpy()
    if got.shape != want.shape:
        raise UserError(f"the exported graph gives shape {got.shape}, PyTorch {want.shape}")
    diff = float(np.abs(got - want).max())
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, opset {OPSET}, {seconds:.0f} s)")
    return diff
