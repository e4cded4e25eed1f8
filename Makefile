# Two commands do everything: `make demo` and `make test`. Each sets itself up on a fresh machine.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/homeward
DEMO_SIZE ?= 5000
export HOMEWARD_VAR ?= $(CURDIR)/var

.PHONY: demo test setup browser java lint typecheck migrations-check test-sqlite test-postgres serve clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $$(scripts/find-python) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

browser:
	@scripts/ensure-browser

java:
	@scripts/ensure-java

demo: setup
	HOMEWARD_DEMO=1 $(BIN)/homeward migrate --noinput -v 0
	HOMEWARD_DEMO=1 $(BIN)/homeward demo --size $(DEMO_SIZE) --reset
	HOMEWARD_DEMO=1 $(BIN)/homeward serve --port 8000

lint: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: setup
	HOMEWARD_TESTING=1 $(BIN)/mypy homeward

migrations-check: setup
	HOMEWARD_TESTING=1 $(BIN)/homeward makemigrations --check --dry-run

test-sqlite: setup browser java
	HOMEWARD_TESTING=1 $(BIN)/pytest -q

test-postgres: setup browser
	@if scripts/pg-available; then \
	  echo "== PostgreSQL answers at 127.0.0.1:5432: running the suite on it"; \
	  HOMEWARD_TESTING=1 DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -m "not spark"; \
	else \
	  echo "!! PostgreSQL does not answer at 127.0.0.1:5432: the suite ran on SQLite ONLY"; \
	  if [ -n "$$CI" ]; then echo "!! CI requires PostgreSQL"; exit 1; fi; \
	fi

test: lint typecheck migrations-check test-sqlite test-postgres

clean:
	rm -rf $(VENV) var
