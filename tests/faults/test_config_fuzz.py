"""A property-based config fuzzer over the three default configs (``hypothesis``): every mutated config
either builds both networks or is refused with one ``ConfigError`` that names a JSON path, and no
case makes the process allocate without bound. ``GANCORE_FUZZ_EXAMPLES=N`` runs more examples,
``GANCORE_FUZZ_RANDOM=1`` new random ones (CI runs a fixed, derandomized set)."""

from __future__ import annotations

import copy
import json
import math
import os
import re
import resource

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gancore.config import config_from_dict
from gancore.errors import ConfigError
from gancore.gan import build_gan
from tests.helpers import ROOT

EXAMPLES = int(os.environ.get("GANCORE_FUZZ_EXAMPLES", "40"))
DEFAULTS = {
    app: json.loads((ROOT / "configs" / f"{app}.json").read_text()) for app in ("colorizer", "inpainter", "superres")
}
EXTREME = st.sampled_from(
    [
        0,
        -1,
        1,
        3,
        2**31,
        2**63,
        10**200,
        99999999,
        1000000,
        1e308,
        -1e308,
        1e-308,
        math.inf,
        -math.inf,
        math.nan,
        "x",
        "",
        "100000*100000*3",
        "(",
        "name=",
        "=3",
        "true",
        "null",
        "1e999",
    ]
)
FIELDS = [("trainer", "g_learn_rate"), ("trainer", "d_beta1"), ("trainer", "g_beta2"), ("trainer", "d_epsilon"),
          ("latent", "dim"), ("data", "size"), ("data", "batch"), ("data", "scale_min"), ("train", "steps"),
          ("reconstruction", "weight"), ("trainer", "clipped_gradients")]  # fmt: skip
NUMBER = re.compile(r"(?<![\w.])-?\d+(\.\d+)?(e-?\d+)?")


def mutate_layer(cfg: dict, data, net: str) -> str:
    layers = cfg[net]["layers"]
    i = data.draw(st.integers(0, len(layers) - 1), label="layer")
    text = layers[i]
    numbers = list(NUMBER.finditer(text))
    new = data.draw(EXTREME, label="value")
    new = repr(new) if isinstance(new, float) else str(new)
    if numbers and data.draw(st.booleans(), label="replace a number"):
        m = numbers[data.draw(st.integers(0, len(numbers) - 1), label="which number")]
        text = text[: m.start()] + new + text[m.end() :]
    else:
        text = f"{text} {data.draw(st.sampled_from(['filter', 'stride', 'padding', 'slope', 'p', 'size']))}={new}"
    layers[i] = text
    return f"{net}.layers[{i}]"


@pytest.mark.parametrize("app", sorted(DEFAULTS))
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=os.environ.get("GANCORE_FUZZ_RANDOM") is None,
)
@given(data=st.data())
def test_a_mutated_config_builds_or_is_one_line_error_naming_its_path(app, data):
    cfg = copy.deepcopy(DEFAULTS[app])
    cfg["data"]["size"] = 64  # small networks: the fuzzer is about the checks, not the size
    if data.draw(st.booleans(), label="mutate a layer"):
        mutate_layer(cfg, data, data.draw(st.sampled_from(["generator", "discriminator"])))
    else:
        section, key = data.draw(st.sampled_from(FIELDS), label="field")
        cfg.setdefault(section, {})
        if isinstance(cfg[section], dict):
            cfg[section][key] = data.draw(EXTREME, label="value")
    try:
        build_gan(config_from_dict(cfg))
    except ConfigError as err:
        message = str(err)
        assert "\n" not in message and err.path, message  # one line, naming where
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    assert peak_gb < 6, f"peak resident {peak_gb:.1f} GB"
