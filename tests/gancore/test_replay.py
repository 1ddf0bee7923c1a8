"""Replay: the user's crops and the bundled photos' interleaved at a fixed share, by position alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from gancore.data.replay import Replayed, replay_files
from tests.helpers import ROOT


class Tagged:
    """A dataset whose item at position i says where it came from."""

    def __init__(self, tag: str, n: int = 7):
        self.tag, self.n = tag, n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> tuple[str, int]:
        return self.tag, i


@given(share=st.sampled_from([0.0, 0.25, 0.5, 0.75, 0.3]), start=st.integers(0, 10_000), width=st.integers(4, 64))
def test_every_window_holds_the_share_and_each_source_is_read_in_order(share, start, width):
    data = Replayed(Tagged("own"), Tagged("replay"), share)
    items = [data[g] for g in range(start, start + width)]
    replayed = [i for tag, i in items if tag == "replay"]
    own = [i for tag, i in items if tag == "own"]
    assert abs(len(replayed) - share * width) <= 1, "the share holds in any window (a batch)"
    for seq in (replayed, own):
        assert seq == list(range(seq[0], seq[0] + len(seq))) if seq else True, "no position read twice or skipped"
    # the same positions always give the same items (a resume reads what an unbroken run would)
    assert items == [Replayed(Tagged("own"), Tagged("replay"), share)[g] for g in range(start, start + width)]


def test_a_batch_at_half_is_half_and_half_and_nothing_is_lost_across_batches():
    data = Replayed(Tagged("own"), Tagged("replay"), 0.5)
    first, second = [data[g] for g in range(16)], [data[g] for g in range(16, 32)]
    assert sum(tag == "replay" for tag, _ in first) == 8
    assert [i for tag, i in first + second if tag == "own"] == list(range(16))
    assert [i for tag, i in first + second if tag == "replay"] == list(range(16))
    with pytest.raises(ValueError):
        Replayed(Tagged("own"), Tagged("replay"), 1.0)


@given(share=st.sampled_from([0.25, 0.5, 0.3]), ranks=st.integers(2, 4), steps=st.integers(1, 6))
def test_under_torchrun_each_rank_holds_the_share_and_no_crop_is_read_twice(share, ranks, steps):
    data, batch = Replayed(Tagged("own"), Tagged("replay"), share, stride=ranks), 8
    seen = []
    for rank in range(ranks):  # rank r reads r, r + w, ... (EndlessSampler(start + r, w))
        items = [data[rank + k * ranks] for k in range(steps * batch)]
        for i in range(0, len(items), batch):  # every rank's own batch is a mix, as with one process
            assert abs(sum(tag == "replay" for tag, _ in items[i : i + batch]) - share * batch) <= 1
        seen += items
    for tag in ("own", "replay"):
        index = sorted(i for t, i in seen if t == tag)
        assert index == list(range(len(index))), f"every {tag} crop read once, none skipped"
    one = Replayed(Tagged("own"), Tagged("replay"), share)
    assert [Replayed(Tagged("own"), Tagged("replay"), share, stride=1)[g] for g in range(40)] == [
        one[g] for g in range(40)
    ]


def test_a_held_out_photo_is_never_replayed_not_even_a_resized_copy(tmp_path):
    bundled = sorted((ROOT / "assets" / "photos").glob("*.jpg"))[:5]
    replay = tmp_path / "replay"
    replay.mkdir()
    for src in bundled:
        with Image.open(src) as im:
            im.convert("RGB").save(replay / src.name)
    held = tmp_path / "held.jpg"
    with Image.open(bundled[2]) as im:  # the user's held-out photo is one of the bundled ones, smaller
        im.convert("RGB").resize((im.width // 2, im.height // 2)).save(held, quality=80)
    kept = replay_files(replay, [held])
    assert [p.name for p in kept] == sorted(p.name for p in bundled if p != bundled[2])
    assert len(replay_files(replay, [])) == 5
