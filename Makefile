# The two commands of the README: `make demo` and `make test`. Each sets everything up on its own.
PYTHON ?= python3
VENV ?= .venv
# The CPU build of PyTorch that lies on the machine; override e.g. `make test TORCH=torch==2.14.1`.
TORCH ?= torch==2.13.0
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test lint typecheck unit bench docs clean chromium

demo: $(VENV)/.installed-all
	$(BIN)/confmat demo

test: $(VENV)/.installed-dev
	@$(MAKE) --no-print-directory chromium
	$(MAKE) --no-print-directory lint typecheck unit

# The browser test needs Chromium: install Debian's package when it is missing and apt is at hand
# (as root, or through password-less sudo). Never fails: without it the browser test is skipped.
chromium:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then :; \
	elif ! command -v apt-get >/dev/null 2>&1; then echo "no chromium and no apt-get: the browser test will be skipped"; \
	else \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true >/dev/null 2>&1; then SUDO="sudo -n"; else SUDO=none; fi; \
	  if [ "$$SUDO" = none ]; then echo "no chromium, and apt-get needs root: the browser test will be skipped"; \
	  else echo "installing chromium with apt-get (for the browser test)"; \
	    { $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; } >/dev/null 2>&1 \
	      || echo "could not install chromium: the browser test will be skipped"; \
	  fi; \
	fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check
	$(BIN)/ruff format --check

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

unit: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n 2 -q

# The documentation site, into site/ (open site/index.html): any warning fails the build.
docs: $(VENV)/.installed-dev
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

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
	rm -rf $(VENV) build dist site src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis confmat-demo
