"""The inspector: ``python -m gancore show CONFIG`` prints one row per layer, then totals."""

from __future__ import annotations

import json

from gancore.__main__ import main


def test_show_prints_the_table(capsys):
    assert main(["show", "configs/colorizer.json"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("generator (condition -> output), size 128")
    assert "discriminator (input -> logits)" in out
    lines = out.splitlines()
    assert lines[1].split() == ["#", "layer", "output", "params"]
    row = next(line for line in lines if "conv 32 filter=4 stride=2" in line)
    assert row.split()[0] == "0" and "32x64x64" in row and "2,080" in row  # 4*32*16 + 32: L and 3 hint channels
    assert out.count("total") == 2


def test_show_marks_frozen_layers_and_defaults(tmp_path, tiny_dict, capsys):
    tiny_dict["generator"]["layers"][0] += " trainable=false"
    tiny_dict["discriminator"]["defaults"] = {"activation": "lrelu"}
    path = tmp_path / "c.json"
    path.write_text(json.dumps(tiny_dict))
    assert main(["show", str(path)]) == 0
    out = capsys.readouterr().out
    assert "(frozen)" in out and "trainable" in out and "defaults: activation=lrelu" in out


def test_show_bad_layer_is_one_line(tmp_path, tiny_dict, capsys):
    tiny_dict["generator"]["layers"][2] = "cat nowhere"
    path = tmp_path / "c.json"
    path.write_text(json.dumps(tiny_dict))
    assert main(["show", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith('error: generator.layers[2]: "cat nowhere": unknown name') and err.count("\n") == 1
