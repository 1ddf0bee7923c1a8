"""A package pinned by URL and SHA-256 (another Debian release): downloaded once, never used if altered."""

from __future__ import annotations

import hashlib

import pytest

from photoset.build import BuildError, download, read_sources
from photoset.pool import Pinned, fetch, read_pool


def _pinned(tmp_path, payload: bytes, sha: str | None = None) -> Pinned:
    src = tmp_path / "archive" / "pkg_1.0-1_all.deb"
    src.parent.mkdir()
    src.write_bytes(payload)
    return Pinned("pkg", "1.0-1", src.as_uri(), sha or hashlib.sha256(payload).hexdigest())


def test_fetch_downloads_once_and_keeps_the_cached_file(tmp_path):
    pinned = _pinned(tmp_path, b"a deb's bytes")
    debs = tmp_path / "debs"
    got = fetch(pinned, debs)
    assert got == debs / "pkg_1.0-1_all.deb" and got.read_bytes() == b"a deb's bytes"
    (tmp_path / "archive" / "pkg_1.0-1_all.deb").unlink()  # the cache answers without the archive
    assert fetch(pinned, debs).read_bytes() == b"a deb's bytes"


def test_fetch_refuses_bytes_that_differ_from_the_pinned_hash_and_leaves_nothing(tmp_path):
    pinned = _pinned(tmp_path, b"altered", sha="0" * 64)
    debs = tmp_path / "debs"
    with pytest.raises(ValueError, match="SHA-256"):
        fetch(pinned, debs)
    assert list(debs.iterdir()) == []


def test_every_pinned_package_is_a_listed_source_and_download_reports_a_bad_pin(tmp_path, monkeypatch):
    pool = read_pool()
    listed = {(s.package, s.version) for s in read_sources()}
    assert ("budgie-backgrounds", "3.0-1") in pool and set(pool) <= listed
    assert all(len(p.sha256) == 64 and p.url.startswith("http://deb.debian.org/") for p in pool.values())
    bad = _pinned(tmp_path, b"x", sha="f" * 64)
    monkeypatch.setattr("photoset.build.read_pool", lambda: {("pkg", "1.0-1"): bad})
    with pytest.raises(BuildError, match=r"pkg 1\.0-1: .*SHA-256"):
        download("pkg", "1.0-1", tmp_path / "debs")
