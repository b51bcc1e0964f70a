# Two commands: `make run` (app on the bundled sample) and `make test` (whole suite).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test test-fast lint bench sample clean

# What the app needs, and no more (no browser, fuzzer or linter); bytecode compiled at install.
$(VENV)/.app: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	$(PY) -m compileall -q app.py app_pages scoring ui
	touch $@

# The test extras on top.
$(VENV)/.installed: $(VENV)/.app
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

run: $(VENV)/.app
	$(PY) -m ui.launch --server.port $(PORT)

test: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m pytest

# The fast lane between changes: everything but browsers, servers, fuzzing, faults and load.
test-fast: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m pytest -m "not slow"

lint: $(VENV)/.installed
	$(PY) -m ruff check .

bench: $(VENV)/.installed
	$(PY) bench/bench_read.py
	$(PY) bench/bench_rank.py
	$(PY) bench/bench_scenarios.py
	$(PY) bench/bench_sensitivity.py
	$(PY) bench/bench_rerun.py
	$(PY) bench/bench_robustness.py
	$(PY) bench/bench_scenarios_size.py
	$(PY) bench/bench_first_visit.py
	$(PY) bench/bench_rerun.py --saved
	$(PY) bench/bench_rerun.py 7 --saved --bids 500
	$(PY) bench/load_test.py 30
	$(PY) bench/load_test.py 30 --replicas 2

sample: $(VENV)/.app
	$(PY) -c "from scoring.template import write_sample; write_sample('data/sample_evaluation.xlsx')"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
