# Two commands: `make run` (app on the bundled sample) and `make test` (whole suite).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test lint bench sample clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

run: $(VENV)/.installed
	$(PY) -m streamlit run app.py --server.port $(PORT)

test: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(PY) -m ruff check .

bench: $(VENV)/.installed
	$(PY) bench/bench_read.py
	$(PY) bench/bench_rank.py
	$(PY) bench/bench_scenarios.py
	$(PY) bench/bench_sensitivity.py
	$(PY) bench/bench_rerun.py
	$(PY) bench/bench_robustness.py
	$(PY) bench/bench_rerun.py --saved
	$(PY) bench/load_test.py 30
	$(PY) bench/load_test.py 30 --replicas 2

sample: $(VENV)/.installed
	$(PY) -c "from scoring.template import write_sample; write_sample('data/sample_evaluation.xlsx')"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
