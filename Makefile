# Two commands: `make demo` and `make test` (both run `make setup` first; it is idempotent).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORES ?= 2
export PATH := $(CURDIR)/$(BIN):$(PATH)
export HF_HUB_OFFLINE := 1
export TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD := 1

# KenLM build needs boost/zlib/bz2/lzma + cmake; flite/espeak-ng/sox make test speech for WER;
# pocketsphinx-testdata holds 10 real recordings with transcripts (tests/test_ctc.py); apertium-eng-spa is a
# rule-based es<->en translator (config translators: the es-en, en-es and clinc-es-en configs).
APT_PACKAGES := libboost-program-options-dev libboost-system-dev libboost-thread-dev libboost-test-dev \
	zlib1g-dev libbz2-dev liblzma-dev cmake g++ flite espeak-ng sox pocketsphinx-testdata apertium-eng-spa

.PHONY: setup demo test test-full lint clean apt seed-sizes
setup: $(VENV)/.setup-done

demo: setup
	$(BIN)/snakemake --cores $(CORES)
	@cat results/demo/metrics.md

# make test: every test but the longest end-to-end checks (marked full: a second whole run for determinism,
# the team layout's whole run); make test-full runs them all. Both list the slowest tests.
test: setup
	$(BIN)/python -m pytest -v -m "not full" --durations=15

test-full: setup
	$(BIN)/python -m pytest -v --durations=15

# ruff (settings in pyproject.toml) over the Python code, then Snakemake's own checks of the workflow.
LINT_PATHS := lmboot tests benchmarks scripts
lint: setup
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/snakemake --lint

# One pair at seed sizes 500 / 1000 / 2000 (config/seed overlays reuse the pair's general translator) and
# the table over them: make seed-sizes PAIR=es-en  ->  results/$(PAIR)/seed_sizes.md
PAIR ?= es-en
seed-sizes: setup
	$(BIN)/snakemake --cores $(CORES) all ablation --configfile config/$(PAIR).yaml
	for n in 500 2000; do \
		$(BIN)/snakemake --cores $(CORES) all ablation --configfile config/$(PAIR).yaml config/seed/$(PAIR).seed$$n.yaml || exit 1; \
	done
	$(BIN)/lmboot seed-sizes --out results/$(PAIR)/seed_sizes.md --ablation 500=results/$(PAIR)-seed500/ablation.json \
		1000=results/$(PAIR)/ablation.json 2000=results/$(PAIR)-seed2000/ablation.json
	@cat results/$(PAIR)/seed_sizes.md

# apt: only what is missing; sudo when not root.
$(VENV)/.apt-done: Makefile
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		echo "apt: installing $$missing"; \
		$$sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q $$missing; \
	fi
	@mkdir -p $(VENV) && touch $@

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.build-done: requirements/build.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements/build.txt
	touch $@

# fairseq-fixed compiles its extensions against the torch above (~3 min); its deps are in runtime.txt.
$(VENV)/.fairseq-done: requirements/fairseq.txt $(VENV)/.build-done
	$(BIN)/pip install -q --no-build-isolation --no-deps -r requirements/fairseq.txt
	touch $@

$(VENV)/.runtime-done: requirements/runtime.txt requirements/lock.txt requirements/no-deps.txt pyproject.toml $(VENV)/.fairseq-done
	$(BIN)/pip install -q -r requirements/runtime.txt -c requirements/lock.txt
	$(BIN)/pip install -q --no-deps -r requirements/no-deps.txt
	$(BIN)/pip install -q --no-build-isolation --no-deps -e .
	touch $@

$(BIN)/lmplz: scripts/build_kenlm.sh $(VENV)/.apt-done $(VENV)/.runtime-done
	scripts/build_kenlm.sh $(VENV)
	touch $@

# One line for a --configfile that is not valid YAML under Snakemake too (lmboot/snakemake_hook.py).
$(VENV)/.hook-done: scripts/lmboot_snakemake_hook.pth $(VENV)/.runtime-done
	cp scripts/lmboot_snakemake_hook.pth "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/"
	touch $@

$(VENV)/.setup-done: $(VENV)/.apt-done $(VENV)/.runtime-done $(BIN)/lmplz $(VENV)/.hook-done
	$(BIN)/python -c "import fairseq, kenlm, sentence_transformers, ctranslate2, lmboot" 2>/dev/null
	touch $@

# Outputs only: each run's benchmark files sit in benchmarks/<run>/ beside the tracked benchmark scripts.
clean:
	rm -rf data models results logs benchmarks/*/ resources/demo .snakemake build cache   # benchmarks/*.py are tracked
