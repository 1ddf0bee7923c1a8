"""``python -m apps VERB``: what spans the three apps. ``eval``: score every shipped model (``make eval``)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    verbs = {"eval": "score every shipped model on the evaluation split (assets/eval); writes eval/"}
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in verbs:
        print("usage: python -m apps VERB [options]\n\nverbs:")
        for verb, text in verbs.items():
            print(f"  {verb:<6} {text}")
        if argv and argv[0] not in ("-h", "--help"):
            print(f"error: unknown verb '{argv[0]}'", file=sys.stderr)
            return 2
        return 0
    from .suite.evaluate import main as evaluate

    return evaluate(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
