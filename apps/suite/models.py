"""The shipped models that ``make eval`` scores: one row per model, with its app and eval options."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "assets" / "models"
EVAL_SPLIT = ROOT / "assets" / "eval"


@dataclass(frozen=True)
class Shipped:
    """A shipped generator: ``app`` names the package (``apps.<app>.evaluate``), ``key`` its report."""

    key: str  # "colorizer", "inpainter", "superres-x4", ...
    app: str
    path: Path
    options: dict = field(default_factory=dict)  # extra ``eval`` arguments for the app


def shipped() -> list[Shipped]:
    """Every ``assets/models/*.safetensors``, in a fixed order (colorizer, inpainter, upscalers)."""
    found = []
    for path in sorted(MODELS.glob("*.safetensors")):
        key = path.stem
        app = key.split("-", 1)[0]
        if app not in ("colorizer", "inpainter", "superres"):
            continue
        found.append(Shipped(key, app, path))
    order = {"colorizer": 0, "inpainter": 1, "superres": 2}
    return sorted(found, key=lambda m: (order[m.app], m.key))


def shown(path: Path) -> str:
    """``path`` relative to the repository when it lies inside it (reports and pages name no machine paths)."""
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)
