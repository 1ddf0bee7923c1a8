# The README's commands. Each target installs what it needs first, so on a fresh machine
# `make demo` and `make test` are the only two commands to type.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST    ?= 127.0.0.1
PORT    ?= 7860

PEERS   := .venv-peers
PEERS_STAMP := $(PEERS)/.installed

.PHONY: install install-dev naturalness peers browser test demo photos eval lint format bench bench-memory bench-toy2d constraints clean

install: $(STAMP) naturalness  ## the runtime: the virtual environment with the pinned packages the apps use, and BRISQUE's model files (idempotent)

install-dev: install $(DEV_STAMP)  ## the runtime plus the test and lint tools (pytest, hypothesis, playwright, ruff)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first, alone and pinned: this takes the CPU wheel and never pulls CUDA packages
	$(BIN)/python -m pip install --quiet -c constraints.txt torch==2.13.0
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(DEV_STAMP)

naturalness:  ## BRISQUE's LIVE model files (Debian's opencv-data): the naturalness score of every eval
	@test -f /usr/share/opencv4/quality/brisque_model_live.yml || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends opencv-data; }

peers: $(PEERS_STAMP)  ## the peers' own environment (.venv-peers: Real-ESRGAN, DAT-light, PatchMatch, OpenCV xphoto) for make eval's peer rows

$(PEERS_STAMP): peers/requirements.txt
	test -x $(PEERS)/bin/python || $(PY) -m venv $(PEERS)
	# every package pinned in peers/requirements.txt and installed with --no-deps: the peers pin old or
	# clashing packages (opencv-python, numpy<2), and they run here with these
	$(PEERS)/bin/python -m pip install --quiet --no-deps torch==2.13.0
	$(PEERS)/bin/python -m pip install --quiet --no-deps -r peers/requirements.txt
	touch $(PEERS_STAMP)

browser:  ## Debian's chromium for the real-browser demo test (Playwright drives it)
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends chromium; }

test: install-dev peers browser  ## every test, the browser test and the peers' included
	$(BIN)/python -m pytest

demo: install  ## serve the suite's page (Colorize, Fill holes, Upscale tabs) with the shipped models
	$(BIN)/python -m apps demo --host $(HOST) --port $(PORT)

photos: install  ## the training photos: Debian packages -> data/photos (+ LICENSES.md), data/train (those + assets/photos)
	$(BIN)/python -m photoset build --out data/photos --debs data/debs
	rm -rf data/train && mkdir -p data/train && cd data/train && ln -s ../photos/*.jpg ../../assets/photos/*.jpg .

eval: install  ## every shipped model vs its classical baselines (and the peers, after make peers) on assets/eval: eval/RESULTS.md, JSON, sheets, the README's pictures
	$(BIN)/python -m apps eval
	$(BIN)/python tools/readme_pictures.py

bench: install  ## throughput of every app vs the model alone, and the training step with each speed setting (bench/results/*.json; ~10 min on 2 CPU cores)
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/train_settings.py

bench-memory: install  ## peak memory of a 6000 x 4000 x2 upscale, and of colorizing and filling a 6000 x 4000 photo (bench/results/*_memory.json)
	$(BIN)/python bench/superres_memory.py
	$(BIN)/python bench/photo_memory.py

bench-toy2d: install  ## the 2-D GAN sweep, every loss x trainer on the ring: bench/results/toy2d/{results.csv,table.md,png/}
	$(BIN)/python -m gancore.toy2d sweep --config configs/toy2d/standard.json --losses all --trainers all --penalties none --out bench/results/toy2d

lint: install-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

constraints: install-dev  ## re-pin every package from the current environment
	{ head -2 constraints.txt; $(BIN)/pip freeze --exclude-editable | sed 's/^torch==.*/torch==2.13.0/'; } > constraints.tmp && mv constraints.tmp constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
