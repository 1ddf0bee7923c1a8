"""The front door and the guides stay true: README.md is short, shows every app, links every docs
page; every relative link in README.md, docs/ and CHANGELOG.md resolves (files and #anchors); every
command they show is accepted: its flags are in its ``--help``, its make targets exist.
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
ARGS = r"((?: [^\s`|#;&]+)*)"  # the words after the module or script, up to a pipe, comment or code span's end
RUNNER = r"(?:python3?|torchrun(?: --?[\w=-]+)*)"  # torchrun's own options come before its -m
COMMAND = re.compile(
    rf"{RUNNER} -m (apps\.(?:\w+|<app>)|apps|gancore\.toy2d|gancore){ARGS}"
    rf"|python3? ((?:tools|bench)/\w+\.py){ARGS}"
)
APPS = ("colorizer", "inpainter", "superres")
VERBED = ("apps.", "apps", "gancore.toy2d", "gancore")


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)
    return {slug(m.group(1)) for m in re.finditer(r"^#+ (.+)$", text, re.M)}


def links(page: Path) -> list[str]:
    return [m.group(1) for m in LINK.finditer(page.read_text())]


def commands() -> list[tuple[str, str, list[str]]]:
    """Every command the pages show: (page name, the command's module or script (+ verb), its flags)."""
    found = []
    for page in PAGES:
        for m in COMMAND.finditer(page.read_text()):
            target, rest = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            words = rest.split()
            verb = ""
            if target.startswith(VERBED) and words and not words[0].startswith("-") and target != "apps.__main__":
                verb = words[0] if re.fullmatch(r"[a-z][a-z-]*", words[0]) else ""
            words = [w.strip("[]") for w in words]
            flags = sorted({w.split("=")[0] for w in words if w.startswith("--") and len(w) > 2})
            for each in [target.replace("<app>", app) for app in APPS] if "<app>" in target else [target]:
                found.append((page.name, f"{each} {verb}".strip(), flags))
    return found


@functools.cache
def help_text(command: str) -> str:
    target, _, verb = command.partition(" ")
    argv = [target, *([verb] if verb else [])] if target.endswith(".py") else ["-m", target, *([verb] if verb else [])]
    if target.endswith(".py"):
        argv[0] = str(ROOT / target)
    out = subprocess.run([sys.executable, *argv, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, f"{command} --help failed: {out.stderr[-500:]}"
    return out.stdout


def test_the_readme_is_a_front_door():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 250
    for app in ("colorizer", "inpainter", "superres"):
        assert f"](assets/readme/{app}.jpg)" in readme, app
        assert (ROOT / "assets" / "readme" / f"{app}.jpg").is_file()
    for page in sorted((ROOT / "docs").glob("*.md")):
        assert f"](docs/{page.name})" in readme, f"README.md does not link {page.name}"
    for words in ("issue ", "lease", "GPU lease"):  # the development log lives in CHANGELOG.md
        assert words not in readme


def test_every_docs_page_starts_with_what_the_reader_can_do():
    for page in sorted((ROOT / "docs").glob("*.md")):
        lines = page.read_text().splitlines()
        assert lines[0].startswith("# ") and lines[2].startswith("With this page you will be able to"), page.name


def test_the_link_checker_sees_a_broken_link(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Top\n\n[ok](#top) [gone](missing.md) ![pic](#nowhere)\n")
    assert links(page) == ["#top", "missing.md", "#nowhere"]
    assert "top" in anchors(page) and "nowhere" not in anchors(page)
    assert slug("The GAN toolkit: losses, penalties") == "the-gan-toolkit-losses-penalties"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(page):
    broken = []
    for link in links(page):
        if re.match(r"[a-z]+:", link):  # http:, https:, mailto:
            continue
        path, _, anchor = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        if not target.exists() or (anchor and target.suffix == ".md" and anchor not in anchors(target)):
            broken.append(link)
    assert broken == []


def test_the_command_finder_reads_verbs_and_flags():
    text = (
        "`.venv/bin/python -m apps.superres run IN OUT --model superres-x4-gan --strength 0.5` and "
        "`python tools/gpu_train.py --plan P`"
    )
    found = [(m.group(1) or m.group(3), (m.group(2) or m.group(4)).split()) for m in COMMAND.finditer(text)]
    assert found == [
        ("apps.superres", ["run", "IN", "OUT", "--model", "superres-x4-gan", "--strength", "0.5"]),
        ("tools/gpu_train.py", ["--plan", "P"]),
    ]


def test_every_shown_command_accepts_its_flags():
    wrong = []
    shown = commands()
    assert len(shown) > 40  # the finder still finds the pages' commands
    for page, command, flags in shown:
        text = help_text(command)
        wrong += [f"{page}: {command} {flag}" for flag in flags if not re.search(rf"{re.escape(flag)}\b", text)]
    assert wrong == []


def test_every_make_target_shown_exists():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, re.M))
    shown = set()
    for page in PAGES:
        shown |= set(re.findall(r"`make ([a-z][\w-]*)", page.read_text()))
        for block in re.findall(r"```(?:sh|bash)\n(.*?)```", page.read_text(), re.S):
            shown |= set(re.findall(r"^make ([a-z][\w-]*)", block, re.M))
    assert shown and shown - targets == set()
