"""What a ``--model`` (or the Python API's ``model=``) may name, resolved to a generator file, in one place.

- a generator file or checkpoint (``.safetensors``);
- a training run's folder: its ``generator.safetensors`` (the kept, best model);
- a bare name: a shipped model beside the app's default (``superres-x4-gan``), else a run under ``runs/``.
"""

from __future__ import annotations

from pathlib import Path

from .errors import UserError

RUNS = Path("runs")


def resolve_model(model: str | Path, shipped: Path, app: str, flag: str = "--model") -> Path:
    """``model`` as a generator file; a UserError names the shipped models and how to train one."""
    path = Path(model)
    if path.is_file():
        return path
    if path.is_dir():
        if (path / "generator.safetensors").is_file():
            return path / "generator.safetensors"
        raise UserError(f"{flag} {path}: a folder without generator.safetensors; is it a training run?")
    if path.parent == Path(".") and path.suffix == "":
        named = shipped / f"{path.name}.safetensors"
        if named.is_file():
            return named
        run = RUNS / path.name / "generator.safetensors"
        if run.is_file():
            return run
    names = sorted(p.stem for p in shipped.glob(f"{app}*.safetensors"))
    raise UserError(
        f"model not found: {path}; the shipped ones are {', '.join(names) or 'none'} ({flag} NAME), or train "
        f"one with: python -m apps.{app} train DATA_DIR (then pass {flag} runs/RUN)"
    )


def user_runs(app: str, root: Path = RUNS) -> list[Path]:
    """The user's finished runs of ``app`` (folders under ``runs/`` holding a ``generator.safetensors``),
    newest first."""
    if not root.is_dir():
        return []
    found = [
        p for p in root.iterdir() if p.is_dir() and p.name.startswith(app) and (p / "generator.safetensors").is_file()
    ]
    return sorted(found, key=lambda p: p.name, reverse=True)
