"""``python -m apps VERB``: what spans the apps.

python -m apps demo     one page with a tab per installed app (make demo)
python -m apps eval     every shipped model on the evaluation split (make eval)
"""

from __future__ import annotations

import sys

VERBS = {
    "demo": ("apps.suite.demo", "serve one page with a tab per app (Colorize, Fill holes, Upscale)"),
    "eval": ("apps.suite.evaluate", "score every shipped model on the evaluation split (assets/eval); writes eval/"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in VERBS:
        print("usage: python -m apps VERB [options]\n\nverbs:")
        for verb, (_, text) in VERBS.items():
            print(f"  {verb:<6} {text}")
        print("\nper app: python -m apps.colorizer | apps.inpainter | apps.superres --help")
        if argv and argv[0] not in ("-h", "--help"):
            print(f"error: unknown verb '{argv[0]}'", file=sys.stderr)
            return 2
        return 0
    import importlib

    return importlib.import_module(VERBS[argv[0]][0]).main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
