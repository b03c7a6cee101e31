# bankpm — two commands:  `make run` (set up + sample bank + console chat)  and  `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test setup test-deps lint format bench sandbox clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## Set up, build the sample bank and knowledge index (first time), start the console chat.
run: setup
	$(BIN)/bankpm demo

## Start the local Telegram sandbox and the real bot against it (web chat page).
sandbox: setup
	$(BIN)/bankpm sandbox

## Run the whole test suite (SQLite, the local PostgreSQL, Chroma, the bot sandbox).
test: setup test-deps
	$(BIN)/python -m pytest

test-deps:
	@bash scripts/test-deps.sh

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) data .pytest_cache
