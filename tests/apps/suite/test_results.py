"""RESULTS.md's tables: every measure shown as the JSON holds it, and a peer that is ahead said so."""

from __future__ import annotations

from apps.suite.results import glance


def _sr(model_psnr: float, model_brisque: float) -> dict:
    def row(method, psnr, brisque):
        return {"method": method, "psnr_y": psnr, "ssim_y": 0.9, "sharpness": 0.8, "brisque": brisque,
                "seconds_per_mp": 1.0}  # fmt: skip

    rows = [row("model", model_psnr, model_brisque), row("bicubic", 28.0, 58.0),
            row("realesrgan-x4plus", 27.0, 23.0), row("dat-light", 30.0, 50.0)]  # fmt: skip
    return {"web": {"inputs": {"jpeg75": rows, "clean": rows}}}


def test_the_glance_table_shows_every_method_once_and_says_where_a_peer_is_ahead():
    lines = glance({"superres-x4": _sr(29.0, 47.0), "superres-x4-gan": _sr(28.5, 40.0)})
    table = [line for line in lines if line.startswith("| x4 upscale, JPEG q75 input")]
    assert [line.split(" | ")[1] for line in table] == [
        "bicubic", "**superres-x4**", "Real-ESRGAN x4plus (peer)", "DAT-light (peer)", "**superres-x4-gan**"
    ]  # fmt: skip
    assert "| 29.00 dB | 47.0 |" in table[1]
    notes = "\n".join(lines)
    assert "Real-ESRGAN x4plus (peer) looks more natural (BRISQUE 23.0 vs our best 40.0)" in notes
    assert "DAT-light (peer) is more faithful (+1.00 dB)" in notes
    calm = glance({"superres-x4": _sr(31.0, 20.0)})
    assert not any("ahead" in line for line in calm), "no peer ahead: nothing said"
