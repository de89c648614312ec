# Parvis — the two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test quality fix messages test-sqlite test-postgres system-check

$(BIN)/python:
	@scripts/check-python "$(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUN_STAMP): $(BIN)/python pyproject.toml requirements/constraints.txt
	@echo "== Installation de Parvis dans $(VENV)/ (dépendances figées : requirements/constraints.txt)"
	$(BIN)/pip install --quiet -c requirements/constraints.txt -e .
	touch $@

$(DEV_STAMP): $(RUN_STAMP)
	@echo "== Installation des outils de test (pytest, Playwright, ruff, mypy, djlint)"
	$(BIN)/pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	touch $@

## make run: install, migrate, load the demo, start the web server and the worker (Ctrl-C stops).
run: $(RUN_STAMP)
	@scripts/check-system --run
	@export PARVIS_ENV=$${PARVIS_ENV:-local}; \
	$(BIN)/parvis migrate --no-input && \
	$(BIN)/parvis demo && \
	$(BIN)/parvis collectstatic --no-input -v 0 && \
	exec $(BIN)/parvis run --port $(PORT)

## make test: the whole suite (quality, unit, integration, browser) on SQLite then PostgreSQL.
test: $(DEV_STAMP) system-check
	@echo "== Qualité : ruff, mypy, djlint, migrations, traductions"
	$(MAKE) --no-print-directory quality
	@echo "== Suite complète sur SQLite"
	$(BIN)/pytest
	@echo "== Suite complète sur PostgreSQL (serveur jetable sur 127.0.0.1)"
	scripts/with-postgres $(BIN)/pytest
	@echo "== Tests terminés : SQLite et PostgreSQL"

system-check:
	@scripts/check-system

quality: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy parvis
	$(BIN)/djlint --lint parvis
	PARVIS_ENV=test $(BIN)/parvis makemigrations --check --dry-run
	scripts/check-messages

fix: $(DEV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint --reformat parvis || true

## make messages: refresh the catalogues after changing a user-visible string.
messages: $(DEV_STAMP)
	cd parvis && PARVIS_ENV=test ../$(BIN)/parvis makemessages -l en --no-obsolete --no-location --ignore 'tests/*'
	cd parvis && PARVIS_ENV=test ../$(BIN)/parvis compilemessages
