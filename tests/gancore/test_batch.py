"""Folder processing: the threaded pipeline writes what the sequential path writes, and fails loudly."""

from __future__ import annotations

import os
import random
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

import gancore.batch as batch
from gancore.batch import SEQUENTIAL, Pipeline, autocast, process_folder, resolve_precision
from gancore.data import read_rgb
from gancore.errors import UserError
from tests.helpers import tree_digest


class Invert:
    """A split processor: decode in ``load``, invert in ``__call__``; optional random delays shuffle timing."""

    def __init__(self, jitter: float = 0.0, seed: int = 0):
        self.jitter, self.rng = jitter, random.Random(seed)
        self.load_threads: set[str] = set()
        self.call_threads: set[str] = set()
        self.lock = threading.Lock()

    def _nap(self) -> None:
        if self.jitter:
            with self.lock:
                t = self.rng.random() * self.jitter
            time.sleep(t)

    def load(self, path: Path) -> np.ndarray:
        self.load_threads.add(threading.current_thread().name)
        self._nap()
        return read_rgb(path)

    def __call__(self, rgb: np.ndarray) -> Image.Image:
        self.call_threads.add(threading.current_thread().name)
        return Image.fromarray(255 - rgb)


@pytest.fixture
def folder(tmp_path, small_photos) -> Path:
    """The six small photos (nested) plus a truncated JPEG and a text file named .png in the middle."""
    src = tmp_path / "in"
    shutil.copytree(small_photos, src)
    good = sorted(src.rglob("*.jpg"))[0]
    (src / "nested" / "m-truncated.jpg").write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    (src / "nested" / "deeper" / "notes.png").write_text("this is text, not a PNG")
    return src


def outputs(root: Path) -> dict[str, bytes]:
    """Decoded pixels of every output (PNG bytes could differ with zlib; pixels may not)."""
    return {p.relative_to(root).as_posix(): np.asarray(Image.open(p)).tobytes() for p in sorted(root.rglob("*.png"))}


def test_pipeline_equals_sequential(tmp_path, folder, capsys):
    before = tree_digest(folder)
    seq = process_folder(folder, tmp_path / "seq", Invert(), progress=False, pipeline=SEQUENTIAL)
    par = process_folder(folder, tmp_path / "par", Invert(), progress=False, pipeline=Pipeline(3, 5, 3))
    assert outputs(tmp_path / "seq") == outputs(tmp_path / "par") and len(outputs(tmp_path / "par")) == 6
    assert [p.relative_to(tmp_path / "seq") for p in seq.done] == [p.relative_to(tmp_path / "par") for p in par.done]
    assert [p for p, _ in seq.failed] == [p for p, _ in par.failed] and len(par.failed) == 2
    assert par.pixels == seq.pixels > 0
    assert tree_digest(folder) == before, "inputs are never written"
    assert not list((tmp_path / "par").rglob(".*tmp*")), "no temporary files left"


def test_bad_file_in_the_middle_is_reported_and_the_rest_written(tmp_path, folder, capsys):
    report = process_folder(folder, tmp_path / "out", Invert(), progress=False)
    err = capsys.readouterr().err
    assert not report.ok and "m-truncated.jpg" in err and "notes.png" in err
    assert {p.name for p, _ in report.failed} == {"m-truncated.jpg", "notes.png"}
    assert all("cannot read image" in why for _, why in report.failed)
    assert len(report.done) == 6 and all(p.is_file() for p in report.done)
    assert "6 written, 0 skipped (already done), 2 failed" in report.summary()
    assert "input megapixels/s" in report.summary()


def test_split_processor_runs_in_threads(tmp_path, small_photos):
    proc = Invert()
    process_folder(small_photos, tmp_path / "out", proc, progress=False, pipeline=Pipeline(readers=2, writers=2))
    assert proc.call_threads == {threading.main_thread().name}, "the model stays in the main thread"
    assert proc.load_threads and threading.main_thread().name not in proc.load_threads


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_order_independent(tmp_path, folder, monkeypatch, seed):
    """Random delays in reading and writing change the completion order, never the result."""
    rng = random.Random(seed)
    save = batch.save_atomic

    def slow_save(image, path):
        time.sleep(rng.random() * 0.02)
        save(image, path)

    ref = process_folder(folder, tmp_path / "ref", Invert(), progress=False, pipeline=SEQUENTIAL)
    monkeypatch.setattr(batch, "save_atomic", slow_save)
    got = process_folder(folder, tmp_path / "got", Invert(0.02, seed), progress=False, pipeline=Pipeline(4, 8, 4))
    assert outputs(tmp_path / "ref") == outputs(tmp_path / "got")
    assert [p.name for p in got.done] == [p.name for p in ref.done], "the report is sorted"


def test_plain_callable_still_works(tmp_path, small_photos):
    report = process_folder(small_photos, tmp_path / "out", lambda p: Image.fromarray(read_rgb(p)), progress=False)
    assert report.ok and len(report.done) == 6
    again = process_folder(small_photos, tmp_path / "out", lambda p: 1 / 0, progress=False)
    assert len(again.skipped) == 6 and not again.done, "existing outputs are skipped, not recomputed"


def test_inputs_sharing_an_output_name_are_each_processed_under_their_own(tmp_path, small_photos, capsys):
    src = tmp_path / "in"
    src.mkdir()
    photo = next(p for p in sorted(small_photos.rglob("*.jpg")))
    shutil.copy(photo, src / "a.jpg")
    Image.open(photo).save(src / "a.png")
    shutil.copy(photo, src / "b.jpg")
    report = process_folder(src, tmp_path / "out", Invert(), progress=False)
    assert sorted(p.name for p in report.done) == ["a.jpg.png", "a.png.png", "b.png"]
    assert "a.jpg, a.png would all be written as a.png" in capsys.readouterr().err
    again = process_folder(src, tmp_path / "out", Invert(), progress=False)
    assert not again.done and len(again.skipped) == 3  # the rerun finds all three


def test_writer_error_is_raised_not_swallowed(tmp_path, small_photos, monkeypatch):
    save = batch.save_atomic

    def broken(image, path):
        if path.stem == sorted(p.stem for p in small_photos.rglob("*.*"))[2]:
            raise RuntimeError("encoder bug")
        save(image, path)

    monkeypatch.setattr(batch, "save_atomic", broken)
    with pytest.raises(RuntimeError, match="encoder bug"):
        process_folder(small_photos, tmp_path / "out", Invert(), progress=False)
    live = [t for t in threading.enumerate() if t.name.startswith(("read", "write"))]
    assert not live, "the pipeline's threads are shut down"


def test_write_os_error_is_a_failed_file(tmp_path, small_photos, monkeypatch, capsys):
    save = batch.save_atomic
    victim = sorted(p.stem for p in small_photos.rglob("*.*"))[3]

    def full(image, path):
        if path.stem == victim:
            raise OSError(28, "No space left on device")
        save(image, path)

    monkeypatch.setattr(batch, "save_atomic", full)
    report = process_folder(small_photos, tmp_path / "out", Invert(), progress=False)
    assert not report.ok and len(report.done) == 5
    assert [p.stem for p, _ in report.failed] == [victim] and "No space left" in report.failed[0][1]
    assert "cannot write" in capsys.readouterr().err


def test_model_error_is_raised(tmp_path, small_photos):
    class Broken(Invert):
        def __call__(self, rgb):
            raise ValueError("model bug")

    with pytest.raises(ValueError, match="model bug"):
        process_folder(small_photos, tmp_path / "out", Broken(), progress=False)
    assert not list((tmp_path / "out").rglob("*.png"))


def test_exception(tmp_path):
    with pytest.raises(UserError, match="input folder not found"):
        process_folder(tmp_path / "nope", tmp_path / "out", Invert())
    with pytest.raises(UserError, match="OUT must differ"):
        process_folder(tmp_path, tmp_path, Invert())
    with pytest.raises(ValueError, match="prefetch"):
        Pipeline(prefetch=0)


def test_out_inside_in_is_excluded(tmp_path, small_photos):
    src = tmp_path / "in"
    shutil.copytree(small_photos, src)
    first = process_folder(src, src / "out", Invert(), progress=False)
    second = process_folder(src, src / "out", Invert(), progress=False)
    assert len(first.done) == 6 and len(second.skipped) == 6 and not second.done


def test_out_above_in_processes_every_input_and_never_overwrites_one(tmp_path, small_photos):
    """``run photos .``: OUT holds IN; every input is processed into OUT's mirror of the tree (it wrote
    nothing and said "no images" before), unless an output would land on an input: then nothing runs."""
    src = tmp_path / "photos"
    shutil.copytree(small_photos, src)
    before = tree_digest(src)
    report = process_folder(src, tmp_path, Invert(), progress=False)
    assert report.ok and len(report.done) == 6
    assert sorted(p.relative_to(tmp_path).as_posix() for p in report.done) == sorted(
        p.relative_to(src).with_suffix(".png").as_posix() for p in src.rglob("*") if p.is_file()
    )
    assert tree_digest(src) == before
    clash = tmp_path / "b"  # IN = b/photos holding photos/a.png, OUT = b: its output b/photos/a.png is an input
    (clash / "photos" / "photos").mkdir(parents=True)
    Image.new("RGB", (8, 8)).save(clash / "photos" / "a.png")
    Image.new("RGB", (8, 8)).save(clash / "photos" / "photos" / "a.png")
    with pytest.raises(UserError, match=r"would overwrite the input .*photos/a\.png"):
        process_folder(clash / "photos", clash, Invert(), progress=False)


def test_precision():
    assert resolve_precision("cpu") == "fp32" and resolve_precision("cpu", "bf16") == "bf16"
    with pytest.raises(UserError, match="valid: auto, bf16, fp32"):
        resolve_precision("cpu", "fp8")
    a = torch.randn(4, 4)
    with autocast("cpu", "fp32"):
        assert (a @ a).dtype == torch.float32
    with autocast("cpu", "bf16"):
        assert (a @ a).dtype == torch.bfloat16


@pytest.mark.parametrize(
    ("device", "cores", "readers", "writers"),
    [("cpu", 16, 2, 2), ("cuda", 16, 4, 8), ("cuda:1", 8, 2, 4), ("cuda", 2, 2, 2), ("cuda", 64, 4, 8)],
)
def test_run_threads_grow_with_the_cores_on_cuda_only(device, cores, readers, writers):
    p = Pipeline.for_device(device, cores=cores)
    assert (p.readers, p.writers) == (readers, writers)
    assert p.prefetch == 2 * p.readers or device == "cpu"  # inputs in memory stay bounded by the readers


def test_a_killed_runs_temporaries_are_removed_and_named(tmp_path, small_photos, capsys):
    out = tmp_path / "out"
    (out / "nested").mkdir(parents=True)
    dead = out / "nested" / ".x.png.tmp-999999-123.png"  # no process 999999: left by a kill
    dead.write_bytes(b"half a png")
    live = out / f".y.png.tmp-{os.getpid()}-5.png"  # this process's own: not touched
    live.write_bytes(b"in progress")
    report = process_folder(small_photos, out, Invert(), progress=False)
    assert report.ok and not dead.exists() and live.exists()
    assert f"removed {dead}, left by an interrupted run" in capsys.readouterr().err


def test_an_out_that_is_a_file_is_refused_before_anything_runs(tmp_path, small_photos):
    out = tmp_path / "out.png"
    out.write_bytes(b"x")
    with pytest.raises(UserError, match="OUT is not a folder"):
        process_folder(small_photos, out, lambda p: 1 / 0, progress=False)


@pytest.mark.parametrize(
    "error",
    [MemoryError(), RuntimeError("[enforce fail at alloc_cpu.cpp:117] DefaultCPUAllocator: can't allocate memory")],
)
def test_a_picture_too_big_for_memory_fails_alone_and_the_batch_goes_on(tmp_path, small_photos, capsys, error):
    first = sorted(small_photos.rglob("*.jpg"))[0]

    class Hungry(Invert):
        def __call__(self, rgb):
            if rgb.shape == read_rgb(first).shape and (rgb == read_rgb(first)).all():
                raise error
            return super().__call__(rgb)

    report = process_folder(small_photos, tmp_path / "out", Hungry(), progress=False)
    assert [p.name for p, _ in report.failed] == [first.name] and len(report.done) == 5
    assert f"{first}: out of memory" in capsys.readouterr().err


def test_a_non_finite_output_fails_its_file_and_nothing_is_written(tmp_path, small_photos, capsys):
    """A model whose output overflows wrote all-black pictures with exit 0."""
    from gancore.errors import check_finite

    first = sorted(small_photos.rglob("*.jpg"))[0]

    class Overflowing(Invert):
        def __call__(self, rgb):
            if rgb.shape == read_rgb(first).shape and (rgb == read_rgb(first)).all():
                check_finite(torch.tensor([1.0, float("inf")]))
            return super().__call__(rgb)

    report = process_folder(small_photos, tmp_path / "out", Overflowing(), progress=False)
    assert [p.name for p, _ in report.failed] == [first.name] and len(report.done) == 5
    assert f"{first}: the model's output holds NaN or infinite values" in capsys.readouterr().err
    assert not (tmp_path / "out" / first.relative_to(small_photos)).with_suffix(".png").exists()
