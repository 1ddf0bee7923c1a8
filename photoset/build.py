"""Build the training photo set from Debian packages: ``python -m photoset build`` (``make photos``).

Steps, each reproducible: download the packages named in ``sources.tsv`` at their pinned versions
(``apt-get download``, cached under ``--debs``; nothing is installed), unpack them
(``dpkg-deb -x``), pull each listed photograph out of its container (a plain file, a Qt ``.rcc``
resource, or the largest JPEG of an Enlightenment ``.edj``), drop near-duplicates (the same
picture at two sizes: the larger is kept), downscale to at most ``--max-side`` px on the long
side and write JPEG files, plus ``LICENSES.md`` (package, author, licence and source of each file)
and ``MANIFEST.tsv`` (name, SHA-256, size, origin).

The photos of the evaluation split (``photoset/eval.tsv``) never go into the training set, and
neither does any photo that is a near-duplicate of one of them. ``--eval-out assets/eval`` writes
the split itself (the repository carries it; rebuilding it gives the same bytes).

A second run with the same inputs rewrites nothing: files are only written when their bytes change,
and files of an earlier build that are no longer part of the set are removed (only those named in
the old manifest: nothing else in the folder is touched).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageOps

from . import copyright as dep5
from .dedupe import dhash, near_duplicate
from .eet import largest_jpeg
from .pool import fetch, read_pool
from .rcc import Rcc
from .readme import parse as parse_readme

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources.tsv"
EVAL_LIST = HERE / "eval.tsv"
JPEG_QUALITY = 90
SHORT = {"gcompris-qt-data": "gcompris", "lxqt-themes": "lxqt", "palapeli-data": "palapeli",
         "puzzle-jigsaw": "jigsaw", "lomiri-wallpapers-20.04": "lomiri2004", "digikam-data": "digikam",
         "enlightenment-data": "enlightenment", "lomiri-wallpapers-16.04": "lomiri1604",
         "plasma-workspace-wallpapers": "plasma", "mate-backgrounds": "mate",
         "budgie-backgrounds": "budgie"}  # fmt: skip


class BuildError(RuntimeError):
    """A step failed in a way the user can act on (names the package or file)."""


@dataclass(frozen=True)
class Source:
    """One row of ``sources.tsv``: where a photograph lives and what the row's checker noted."""

    package: str
    version: str
    path: str  # in the package; "a.rcc::inner/path" or "a.edj#largest-JPEG" for containers
    width: int
    height: int
    licence: str
    subject: str

    @property
    def name(self) -> str:
        """The output file name: ``gcompris-erase-giraffe.jpg``, ``lxqt-butterfly.jpg``, ..."""
        short = SHORT.get(self.package, self.package)
        if "::" in self.path:
            container, inner = self.path.split("::", 1)
            activity = Path(container).stem
            rest = inner.split("/resource/", 1)[-1]
            rest = rest.removeprefix("images/").removeprefix("image/")
            stem = f"{activity}-{rest.rsplit('.', 1)[0].replace('/', '-')}"
        elif "/contents/images/" in self.path:  # a KDE wallpaper package: the folder names the photo
            stem = self.path.split("/contents/images/", 1)[0].rsplit("/", 1)[-1]
        else:
            stem = Path(self.path.split("#", 1)[0]).stem
        return f"{short}-{stem}".lower().replace("_", "-").replace(" ", "-") + ".jpg"


@dataclass
class Photo:
    """A photograph ready to write: its pixels (downscaled), credits and hash."""

    source: Source
    image: Image.Image
    original_size: tuple[int, int]
    author: str
    licence: str
    link: str = ""
    hash: int = field(default=0)


def read_sources(path: Path = SOURCES) -> list[Source]:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [Source(r["package"], r["version"], r["path_in_package"], int(r["width"]), int(r["height"]),
                   r["licence"], r["subject"]) for r in rows]  # fmt: skip


def read_eval_list(path: Path = EVAL_LIST) -> list[str]:
    """The evaluation split: output names, one a line (``#`` comments)."""
    if not path.exists():
        return []
    lines = [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line]


def download(package: str, version: str, debs: Path) -> Path:
    """The ``.deb`` of ``package=version`` under ``debs`` (downloaded once with ``apt-get download``,
    or from the archive URL pinned in ``pool.tsv`` for a package of another Debian release)."""
    pinned = read_pool().get((package, version))
    if pinned is not None:
        try:
            return fetch(pinned, debs)
        except (OSError, ValueError) as err:
            raise BuildError(f"{package} {version}: {err}") from err
    debs.mkdir(parents=True, exist_ok=True)
    found = sorted(debs.glob(f"{package}_*.deb"))
    wanted = [p for p in found if _deb_version(p) == _no_epoch(version)]
    if wanted:
        return wanted[0]
    print(f"downloading {package} {version} ...", file=sys.stderr)
    try:
        subprocess.run(["apt-get", "download", f"{package}={version}"], cwd=debs, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    except FileNotFoundError as err:
        raise BuildError("apt-get not found: `make photos` needs a Debian or Ubuntu machine") from err
    except subprocess.CalledProcessError as err:
        raise BuildError(f"apt-get download {package}={version} failed: {err.stderr.strip()}") from err
    wanted = [p for p in sorted(debs.glob(f"{package}_*.deb")) if _deb_version(p) == _no_epoch(version)]
    if not wanted:
        raise BuildError(f"apt-get download {package}={version} wrote no matching .deb in {debs}")
    return wanted[0]


def _no_epoch(version: str) -> str:
    return version.split(":", 1)[-1]


def _deb_version(deb: Path) -> str:
    """The version in a .deb's file name, without the epoch (apt writes ``4%3a7.9.0-1``)."""
    return _no_epoch(deb.name.split("_")[1].replace("%3a", ":"))


def unpack(deb: Path, root: Path) -> Path:
    """``dpkg-deb -x`` into ``root/<package>`` (once)."""
    target = root / deb.name.split("_")[0]
    if not (target / ".unpacked").exists():
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        subprocess.run(["dpkg-deb", "-x", str(deb), str(target)], check=True)
        (target / ".unpacked").touch()
    return target


class Extractor:
    """Reads each source's bytes out of its unpacked package, caching opened containers."""

    def __init__(self, roots: dict[str, Path]):
        self.roots = roots
        self.rccs: dict[Path, Rcc] = {}
        self.readmes: dict[Path, dict] = {}
        self.copyrights: dict[str, list[dep5.Stanza]] = {}

    def data(self, source: Source) -> bytes:
        root = self.roots[source.package]
        if "::" in source.path:
            container, inner = source.path.split("::", 1)
            return self._rcc(root / container).read(inner)
        if source.path.endswith("#largest-JPEG"):
            return largest_jpeg((root / source.path.split("#", 1)[0]).read_bytes())
        return (root / source.path).read_bytes()

    def _rcc(self, path: Path) -> Rcc:
        if path not in self.rccs:
            rcc = self.rccs[path] = Rcc.open(path)
            credits = {}
            for name in rcc.names():
                if name.rsplit("/", 1)[-1] == "README":
                    text = rcc.read(name).decode("utf-8", "replace")
                    credits.update(parse_readme(text, name.rsplit("/", 1)[0]))
            self.readmes[path] = credits
        return self.rccs[path]

    def credit(self, source: Source) -> tuple[str, str, str]:
        """(author, licence, source link) for a photo: the packed README, else debian/copyright."""
        root = self.roots[source.package]
        if "::" in source.path:
            container, inner = source.path.split("::", 1)
            self._rcc(root / container)
            found = self.readmes[root / container].get(inner)
            if found and found.license:
                return found.author, found.license, found.source
        if source.package not in self.copyrights:
            text = (root / "usr/share/doc" / source.package / "copyright").read_text(encoding="utf-8", errors="replace")
            self.copyrights[source.package] = dep5.parse(text)
        stanza = dep5.lookup(self.copyrights[source.package], source.path)
        note = source.licence
        if stanza is not None and stanza.patterns == ("*",):
            holders = stanza.copyright.split("; ")
            blanket = holders[0] + (" and others" if len(holders) > 1 else "")
            stanza = dep5.Stanza(stanza.patterns, f"{blanket} (blanket `Files: *` stanza)", stanza.license)
        if stanza is None or stanza.patterns == ("*",) or "per-file" not in note:
            # the checker's note (e.g. "CC-BY-SA-3.0, Lukas Baubkus") is the more specific statement
            author = note.split(",", 1)[1].strip() if "," in note and not note.startswith("per-file") else ""
            if not author and stanza is not None:
                author = stanza.copyright
            return author, note.split(",", 1)[0].strip() if author and author in note else note, ""
        return stanza.copyright, stanza.license, ""


def prepare(data: bytes, max_side: int) -> tuple[Image.Image, tuple[int, int]]:
    """Decode, apply EXIF orientation, flatten to RGB over white, downscale (Lanczos)."""
    with Image.open(io.BytesIO(data)) as opened:
        image = ImageOps.exif_transpose(opened)
        image.load()
    size = image.size
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    image = image.convert("RGB")
    if max(image.size) > max_side:
        scale = max_side / max(image.size)
        image = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                             Image.Resampling.LANCZOS)  # fmt: skip
    return image, size


def encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def collect(sources: list[Source], debs: Path, work: Path, max_side: int) -> list[Photo]:
    """Every source as a :class:`Photo`, near-duplicates removed (the larger original kept)."""
    packages = sorted({(s.package, s.version) for s in sources})
    roots = {pkg: unpack(download(pkg, ver, debs), work) for pkg, ver in packages}
    extractor = Extractor(roots)
    photos: list[Photo] = []
    for source in sources:
        try:
            image, size = prepare(extractor.data(source), max_side)
        except Exception as err:  # a listed photo that cannot be read is a build error, named
            raise BuildError(f"{source.package}: {source.path}: {err}") from err
        author, licence, link = extractor.credit(source)
        photos.append(Photo(source, image, size, author, licence, link, dhash(image)))
    # larger originals first, so of two copies the sharper one survives
    photos.sort(key=lambda p: (-(p.original_size[0] * p.original_size[1]), p.source.name))
    kept: list[Photo] = []
    for photo in photos:
        if not any(near_duplicate(photo.hash, photo.image.size, k.hash, k.image.size) for k in kept):
            kept.append(photo)
    names = [p.source.name for p in kept]
    if len(set(names)) != len(names):
        raise BuildError("two photos map to the same output name")
    return sorted(kept, key=lambda p: p.source.name)


def write_if_changed(path: Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


def licences_md(photos: list[Photo], title: str, intro: str) -> str:
    lines = [f"# {title}", "", intro, "",
             "| File | Size | Debian package (version) | Path in package | Author / copyright | Licence | Source |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    for p in photos:
        s = p.source
        cell = lambda text: text.replace("|", "\\|").replace("\n", " ")  # noqa: E731
        lines.append(f"| `{s.name}` | {p.image.width}x{p.image.height} | {s.package} {s.version} | `{cell(s.path)}` "
                     f"| {cell(p.author) or '(see package)'} | {cell(p.licence)} | {cell(p.link)} |")  # fmt: skip
    return "\n".join(lines) + "\n"


def write_set(photos: list[Photo], out: Path, title: str, intro: str) -> tuple[int, int]:
    """Write ``photos`` to ``out`` with LICENSES.md and MANIFEST.tsv; (written, removed) counts."""
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / "MANIFEST.tsv"
    old = set()
    if manifest_path.exists():
        old = {line.split("\t", 1)[0] for line in manifest_path.read_text(encoding="utf-8").splitlines()[1:] if line}
    written, rows = 0, ["name\tsha256\twidth\theight\tpackage\tversion\tpath"]
    for p in photos:
        data = encode(p.image)
        written += write_if_changed(out / p.source.name, data)
        digest = hashlib.sha256(data).hexdigest()
        s = p.source
        rows.append(f"{s.name}\t{digest}\t{p.image.width}\t{p.image.height}\t{s.package}\t{s.version}\t{s.path}")
    removed = 0
    for name in sorted(old - {p.source.name for p in photos}):
        if (out / name).is_file():
            (out / name).unlink()
            removed += 1
    write_if_changed(manifest_path, ("\n".join(rows) + "\n").encode())
    write_if_changed(out / "LICENSES.md", licences_md(photos, title, intro).encode())
    return written, removed


TRAIN_INTRO = (
    "Built by `make photos` (`python -m photoset build`) from the Debian 12 packages listed in "
    "`photoset/sources.tsv`. Each file was modified from the original: EXIF orientation applied, "
    "flattened to RGB, downscaled with Lanczos so the long side is at most 1024 px, re-encoded as "
    "JPEG (quality 90). Near-duplicates (the same picture at two sizes) were dropped, keeping the "
    "larger, and so were the photos of the evaluation split (`assets/eval/`) and any near-duplicate "
    "of them. Authors and licences come from the README packed beside GCompris's images, else from "
    "the package's `/usr/share/doc/<package>/copyright`."
)
EVAL_INTRO = (
    "The evaluation split: photographs no shipped model trains on (`make photos` leaves them and "
    "their near-duplicates out of `data/photos/`). Built by `python -m photoset build --eval-out "
    "assets/eval` from the packages in `photoset/sources.tsv`, the names listed in "
    "`photoset/eval.tsv`; processed as the training set (EXIF applied, RGB, long side at most "
    "1024 px, JPEG quality 90)."
)


def split(photos: list[Photo], eval_names: list[str], also_train: list[Path]) -> tuple[list[Photo], list[Photo]]:
    """(train, eval): the named photos go to eval; train drops them and their near-duplicates.

    ``also_train`` are other training photos (``assets/photos``, linked into ``data/train`` beside
    ``data/photos``): a photo of the same name as one of them, or a near-duplicate of one, is left
    out of train (the bundled copy is used: two files of one name cannot both be linked), and an
    evaluation photo that is a near-duplicate of one of them is an error, as it would be seen in training.
    """
    by_name = {p.source.name: p for p in photos}
    missing = [n for n in eval_names if n not in by_name]
    if missing:
        raise BuildError(f"photoset/eval.tsv names photos the sources do not give: {', '.join(missing)}")
    held = [by_name[n] for n in eval_names]
    bundled = []
    for path in also_train:
        with Image.open(path) as im:
            image = im.convert("RGB")
        h = dhash(image)
        for e in held:
            if near_duplicate(h, image.size, e.hash, e.image.size):
                raise BuildError(f"evaluation photo {e.source.name} is a near-duplicate of training photo {path}")
        bundled.append((path.name, h, image.size))
    train = [p for p in photos if p.source.name not in set(eval_names)
             and not any(near_duplicate(p.hash, p.image.size, e.hash, e.image.size) for e in held)
             and not any(p.source.name == name or near_duplicate(p.hash, p.image.size, h, size)
                         for name, h, size in bundled)]  # fmt: skip
    return train, sorted(held, key=lambda p: p.source.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m photoset", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="verb", required=True)
    build = sub.add_parser("build", help="download, extract, deduplicate and write the photo set")
    build.add_argument("--out", type=Path, default=Path("data/photos"), help="training photos (default data/photos)")
    build.add_argument("--debs", type=Path, default=Path("data/debs"), help="where the .deb files are cached")
    build.add_argument("--eval-out", type=Path, default=None, help="also write the evaluation split here")
    build.add_argument("--max-side", type=int, default=1024, help="long side of the written photos (px)")
    build.add_argument("--skip-package", action="append", default=[], metavar="NAME",
                       help="leave a package out (e.g. enlightenment-data, 401 MB for 15 photos)")  # fmt: skip
    args = parser.parse_args(argv)
    sources = [s for s in read_sources() if s.package not in args.skip_package]
    try:
        with tempfile.TemporaryDirectory(prefix="photoset-") as tmp:
            photos = collect(sources, args.debs, Path(tmp), args.max_side)
        assets = HERE.parent / "assets" / "photos"
        train, held = split(photos, read_eval_list(), sorted(assets.glob("*.jpg")))
    except BuildError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    written, removed = write_set(train, args.out, "Training photos", TRAIN_INTRO)
    print(f"{len(sources)} listed, {len(photos)} after removing near-duplicates, {len(held)} held out for "
          f"evaluation, {len(train)} in {args.out} ({written} written, {removed} removed)")  # fmt: skip
    if args.eval_out is not None:
        written, removed = write_set(held, args.eval_out, "Evaluation photos", EVAL_INTRO)
        print(f"{len(held)} in {args.eval_out} ({written} written, {removed} removed)")
    return 0
