# The two commands of the README: `make demo` and `make test`. Each sets everything up on its own.
PYTHON ?= python3
VENV ?= .venv
# The CPU build of PyTorch that lies on the machine; override e.g. `make test TORCH=torch==2.14.1`.
TORCH ?= torch==2.13.0
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test lint typecheck unit bench clean

demo: $(VENV)/.installed-all
	$(BIN)/confmat demo

test: $(VENV)/.installed-dev
	$(MAKE) --no-print-directory lint typecheck unit

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check
	$(BIN)/ruff format --check

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

unit: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n 2 -q

bench: $(VENV)/.installed-dev
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# torch first, from the pinned CPU build, so that nothing pulls a CUDA build.
$(VENV)/.installed-torch: | $(BIN)/python
	$(PIP) install "$(TORCH)"
	touch $@

$(VENV)/.installed-all: pyproject.toml $(VENV)/.installed-torch
	$(PIP) install -e ".[all]"
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed-torch
	$(PIP) install -e ".[dev]"
	touch $@

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis confmat-demo
