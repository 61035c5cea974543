# `make run` and `make test` do all set-up themselves and may be repeated.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SYSTEM := $(VENV)/.system-packages
TEST_SYSTEM := $(VENV)/.system-test-packages
BENCH_SYSTEM := $(VENV)/.system-bench-packages

.PHONY: run test check setup test-setup lint typecheck migrate seed i18n-extract i18n-merge bench clean

setup: $(SYSTEM) $(INSTALLED)

test-setup: setup $(TEST_SYSTEM)

$(SYSTEM): deps/debian-packages.txt deps/system-packages.sh
	@deps/system-packages.sh deps/debian-packages.txt
	@mkdir -p $(VENV) && touch $@

$(TEST_SYSTEM): deps/debian-packages.txt deps/debian-test-packages.txt deps/system-packages.sh
	@deps/system-packages.sh deps/debian-packages.txt deps/debian-test-packages.txt
	@mkdir -p $(VENV) && touch $@

$(BENCH_SYSTEM): deps/debian-packages.txt deps/debian-bench-packages.txt deps/system-packages.sh
	@deps/system-packages.sh deps/debian-packages.txt deps/debian-bench-packages.txt
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
	$(BIN)/python -m pytest -n 2 --dist worksteal

# The inner loop: lint, types, and the tests that need neither PostgreSQL nor Chromium nor long waits.
check: setup lint typecheck
	$(BIN)/python -m pytest -q -n auto -m "not postgres and not browser and not slow"

INTERFACE_LOCALES := da en de
DOCUMENT_LOCALES := da en de sv nb fi nl fr es pt it pl uk zh ja ko ar
EXTRACT := $(BIN)/pybabel extract --no-location --sort-by-file -k N_ --project="Smart Denmark catalogue" \
	--copyright-holder="Smart Denmark catalogue"

# Refresh the message templates from the sources and merge them into every catalogue.
i18n-extract: setup
	$(EXTRACT) -F i18n/babel-interface.cfg -o i18n/messages.pot .
	$(EXTRACT) -F i18n/babel-documents.cfg -o i18n/documents.pot .
	@for locale in $(INTERFACE_LOCALES); do $(MAKE) --no-print-directory i18n-merge DOMAIN=messages LOCALE=$$locale; done
	@for locale in $(DOCUMENT_LOCALES); do $(MAKE) --no-print-directory i18n-merge DOMAIN=documents LOCALE=$$locale; done

i18n-merge:
	@if [ -f i18n/locales/$(LOCALE)/LC_MESSAGES/$(DOMAIN).po ]; then \
		$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -D $(DOMAIN) -i i18n/$(DOMAIN).pot -d i18n/locales -l $(LOCALE); \
	else \
		$(BIN)/pybabel init -D $(DOMAIN) -i i18n/$(DOMAIN).pot -d i18n/locales -l $(LOCALE); \
	fi

bench: setup $(BENCH_SYSTEM)
	$(BIN)/python bench/serving.py
	$(BIN)/python bench/brochures.py
	$(BIN)/python bench/accounts.py
	$(BIN)/python bench/packs.py
	$(BIN)/python bench/render_isolation.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/concurrency.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
