# `make run` and `make test` do all set-up themselves and may be repeated.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SYSTEM := $(VENV)/.system-packages
TEST_SYSTEM := $(VENV)/.system-test-packages

.PHONY: run test setup test-setup lint typecheck migrate seed i18n-extract bench clean

setup: $(SYSTEM) $(INSTALLED)

test-setup: setup $(TEST_SYSTEM)

$(SYSTEM): deps/debian-packages.txt deps/system-packages.sh
	@deps/system-packages.sh deps/debian-packages.txt
	@mkdir -p $(VENV) && touch $@

$(TEST_SYSTEM): deps/debian-packages.txt deps/debian-test-packages.txt deps/system-packages.sh
	@deps/system-packages.sh deps/debian-packages.txt deps/debian-test-packages.txt
	@mkdir -p $(VENV) && touch $@

$(INSTALLED): pyproject.toml deps/constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (set PYTHON=...)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -c deps/constraints.txt -e '.[dev]'
	@touch $@

run: setup
	$(BIN)/python -m services.cli serve

migrate: setup
	$(BIN)/python -m services.cli migrate

seed: setup
	$(BIN)/python -m services.cli seed

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

test: test-setup lint typecheck
	$(BIN)/python -m pytest

i18n-extract: setup
	$(BIN)/pybabel extract --no-location --sort-by-file -F i18n/babel.cfg -o i18n/messages.pot \
		--project="Smart Denmark catalogue" --copyright-holder="Smart Denmark catalogue" -k N_ catalogue i18n services
	for locale in da en de; do \
		if [ -f i18n/locales/$$locale/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i i18n/messages.pot -d i18n/locales -l $$locale; \
		else \
			$(BIN)/pybabel init -i i18n/messages.pot -d i18n/locales -l $$locale; \
		fi; \
	done

bench: setup
	$(BIN)/python bench/api.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
