# One dev loop: `make check` runs ruff, mypy and pytest (CI runs exactly this).
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
QUESTION ?= What is the role of baclofen in managing back pain?

.PHONY: install check lint test demo bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

test: install
	$(BIN)/pytest -q

check: lint test

# The main job on a fresh machine: install, fill an empty store, answer the seed question.
demo: install
	$(BIN)/medbrief ask --ensure-data "$(QUESTION)"

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
