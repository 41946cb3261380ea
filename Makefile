# Caremap's developer commands. `make run` and `make test` work on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

# Local development runs with DEBUG on; production sets its own environment.
export DEBUG ?= true

.PHONY: install run migrate demo test lint check-migrations pytest bench assets messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency list changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,production]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/caremap migrate --no-input
	$(BIN)/caremap instrument import --shipped

demo: migrate
	$(BIN)/caremap demo

run: demo
	@echo "Caremap is starting on http://127.0.0.1:$(PORT)/"
	$(BIN)/caremap runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-migrations: install
	$(BIN)/caremap makemigrations --check --dry-run

pytest: install
	$(BIN)/pytest

test: lint check-migrations pytest

# The area benchmark seeds 100,000 people into throw-away databases (a
# SQLite file and a PostgreSQL database, both recreated each run) so the
# figures are for a whole area on each; see docs/performance.md.
BENCH_PEOPLE ?= 100000
BENCH_SQLITE := var/bench.sqlite3
BENCH_POSTGRES ?= postgres://postgres@127.0.0.1:5432/caremap_bench

bench: migrate
	$(BIN)/caremap bench
	mkdir -p var && rm -f $(BENCH_SQLITE)
	DATABASE_URL=sqlite:///$(CURDIR)/$(BENCH_SQLITE) $(BIN)/caremap migrate --no-input -v0
	DATABASE_URL=sqlite:///$(CURDIR)/$(BENCH_SQLITE) $(BIN)/caremap instrument import --shipped
	DATABASE_URL=sqlite:///$(CURDIR)/$(BENCH_SQLITE) $(BIN)/caremap bench_area --people $(BENCH_PEOPLE)
	rm -f $(BENCH_SQLITE)
	$(BIN)/python -m caremap.reports.benchdb reset $(BENCH_POSTGRES)
	DATABASE_URL=$(BENCH_POSTGRES) $(BIN)/caremap migrate --no-input -v0
	DATABASE_URL=$(BENCH_POSTGRES) $(BIN)/caremap instrument import --shipped
	DATABASE_URL=$(BENCH_POSTGRES) $(BIN)/caremap bench_area --people $(BENCH_PEOPLE)

assets:
	bash assets/build.sh

# Extract and compile the translation catalogues (needs GNU gettext).
messages: install
	cd caremap && ../$(BIN)/caremap makemessages --locale cy --no-obsolete --ignore 'tests/*'
	cd caremap && ../$(BIN)/caremap compilemessages --locale cy

clean:
	rm -rf $(VENV) staticfiles
