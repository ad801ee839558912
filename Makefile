# Two commands set up a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export TENDERCARE_VAR_DIR ?= $(CURDIR)/var

.PHONY: install demo serve test test-fast lint bench bench-quick clean migrate

$(BIN)/tendercare: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/govuk-frontend/package.json: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/tendercare node_modules/govuk-frontend/package.json
	mkdir -p var

migrate: install
	$(BIN)/tendercare migrate --no-input

demo: migrate
	$(BIN)/tendercare demo
	$(BIN)/tendercare serve --port $(PORT)

serve: install
	$(BIN)/tendercare serve --port $(PORT)

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

test: install lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -p no:cacheprovider -n 2

bench: install
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/run.py

bench-quick: install
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	BENCH_QUICK=1 $(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) node_modules var
