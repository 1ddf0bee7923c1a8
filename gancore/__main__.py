"""``python -m gancore show CONFIG``: print both networks of a config, layer by layer (CPU, no data)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .config import load_config
from .errors import UserError
from .inspect import describe


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m gancore", description="gancore tools")
    sub = p.add_subparsers(dest="verb", required=True, metavar="VERB")
    show = sub.add_parser("show", help="print G and D layer by layer: index, string, output shape, parameters")
    show.add_argument("config", help="a JSON config, e.g. configs/colorizer.json")
    a = p.parse_args(argv)
    try:
        print(describe(load_config(a.config)))
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
