# Two entry points: `make demo` and `make test`. Each creates .venv when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Every dependency at the lower bound pyproject.toml gives it (`make test-lowest`).
LOWEST := .venv-lowest

.PHONY: demo test test-lowest lint bench clean

# Installed-marker files: re-install only when pyproject.toml changes.
$(VENV)/.base: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.base

# The flagship studies, each compared with common random numbers, then their HTML reports:
# mass, selective and exclusive distribution in a 300-zone market (15 replications each), and
# four replenishment strategies for the regional network (20 each). Rerunning resumes.
demo: $(VENV)/.base
	$(BIN)/supplysim run scenarios/regional.yaml --out out/regional
	$(BIN)/supplysim study scenarios/strategies/strategies.yaml --out out/strategies
	$(BIN)/supplysim report out/strategies --html out/strategies/report.html
	$(BIN)/supplysim study scenarios/studies/regional_policies.yaml --out out/regional-policies
	$(BIN)/supplysim report out/regional-policies --html out/regional-policies/report.html
	@echo "Reports: out/strategies/report.html, out/regional-policies/report.html (one run: out/regional/)"

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The workshop's browser test needs Debian's chromium and chromium-driver; say whether it runs.
test: lint
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; \
	then echo "workshop browser test: runs with $$(command -v chromium)"; \
	else echo "workshop browser test: SKIPPED, no chromium/chromedriver (apt-get install chromium chromium-driver)"; fi
	$(BIN)/pytest -n 2 -q tests notebooks --nbmake

# `make test` runs the newest versions pyproject.toml allows; this runs the oldest: a venv
# with the core dependencies and the user extras pinned to their lower bounds (constraints
# written by .ci/lowest_constraints.py), the test tools at their newest. It leaves out the
# suites that check the engine's numbers against theory and invariants on random networks
# (over a quarter of the suite's time, and no dependency API the rest does not call), and
# the notebooks; those pass at the lower bounds too, run by hand.
$(LOWEST)/.installed: pyproject.toml .ci/lowest_constraints.py
	rm -rf $(LOWEST)
	$(PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install --quiet --upgrade pip
	$(PYTHON) .ci/lowest_constraints.py pyproject.toml > $(LOWEST)/constraints.txt
	$(LOWEST)/bin/python -m pip install --quiet -c $(LOWEST)/constraints.txt -e '.[dev]'
	touch $@

test-lowest: $(LOWEST)/.installed
	@echo "lower bounds tested:" $$(cat $(LOWEST)/constraints.txt)
	$(LOWEST)/bin/pytest -n 2 -q tests --ignore=tests/validation --ignore=tests/teaching \
		--ignore=tests/test_random_networks.py --ignore=tests/test_properties.py

bench: $(VENV)/.dev
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/bench_vs_supplynetpy.py
	$(BIN)/python benchmarks/bench_event_path.py
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_study.py

clean:
	rm -rf $(VENV) $(LOWEST) out .pytest_cache .mypy_cache .ruff_cache .hypothesis
