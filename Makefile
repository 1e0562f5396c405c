# One task runner. `make run` and `make test` work on a fresh machine with Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run test test-fast lint format bench samples openapi check-content clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the service with its test tools

run: $(STAMP)  ## migrate the store, create a first admin if none, serve on $(HOST):$(PORT) with the webhook worker
	$(BIN)/flask --app wsgi check-content
	$(BIN)/flask --app wsgi db migrate
	$(BIN)/flask --app wsgi users bootstrap
	$(BIN)/flask --app wsgi webhooks deliver & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT) --access-logfile -

test: $(STAMP)  ## the whole suite, browser and live-server tests included
	$(BIN)/python -m pytest

test-fast: $(STAMP)  ## the suite without browser and live-server tests
	$(BIN)/python -m pytest -m "not browser and not live"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-content: $(STAMP)  ## validate checklists/ and policies/
	$(BIN)/flask --app wsgi check-content

openapi: $(STAMP)  ## regenerate docs/openapi.json from the code
	$(BIN)/flask --app wsgi openapi write docs/openapi.json

bench: $(STAMP)  ## speed and memory benchmarks: medians and ratios, not pass/fail
	$(BIN)/python bench/run.py

samples: $(STAMP)  ## render sample reports to out/samples/*.pdf and PNG pages (needs pdftoppm)
	$(BIN)/python bench/render_samples.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .hypothesis out
