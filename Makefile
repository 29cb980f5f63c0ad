# The two commands a new user needs: `make run` and `make test`. Everything else they call.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := feedback
# Bytecode is kept (in __pycache__, ignored by git): otherwise every process of the tests, each
# gunicorn worker among them, compiles every module it imports again.
unexport PYTHONDONTWRITEBYTECODE
# Another install (a second checkout, a helper) may hold the package lock: wait for it rather than fail.
APT := apt-get -o DPkg::Lock::Timeout=600

.PHONY: run test check setup python-deps assets translations database demo test-setup postgres redis chromium \
        test-sqlite test-postgres screenshots extract-translations update-translations clean bench bench-tools

## run: set everything up, load the demo data, and serve on http://127.0.0.1:5000
## (with `feedback worker` beside it: Slack requests and alerts when Slack is configured, counting,
## scheduled emails when Notify is; it stops with the server)
run: setup database demo
	@echo
	@echo "Serving on http://127.0.0.1:5000 (stop with Ctrl+C)."
	$(BIN)/feedback worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(BIN)/flask --app feedback run --host 127.0.0.1 --port 5000

## test: set everything up, check the code, and run every test on SQLite and on PostgreSQL, on
## two processes (PYTEST_ARGS adds to or overrides pytest's arguments, e.g. PYTEST_ARGS="-n 0 -x")
## (the set-up steps run side by side: packages, page assets, Chromium and the databases)
PYTEST_WORKERS ?= 2
test:
	@$(MAKE) --no-print-directory --output-sync=target -j4 setup test-setup check
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## check: lint with ruff (its settings are in pyproject.toml); migrations are checked by the tests
check: python-deps
	$(BIN)/ruff check src tests bench scripts

setup: python-deps assets translations

## bench: set everything up and run every benchmark into bench/results.md and .json (BENCH_ARGS=--quick)
bench: setup postgres redis bench-tools
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

bench-tools: $(VENV)/.bench-installed
	@command -v wrk >/dev/null || ($(APT) update -qq && $(APT) install -y -qq wrk >/dev/null)
$(VENV)/.bench-installed: $(VENV)/.installed pyproject.toml constraints.txt
	$(UV_INSTALL) --quiet -c constraints.txt -e '.[test,bench]'
	touch $@

# The packages are installed by uv (itself pinned in constraints.txt), which fetches and unpacks
# them in parallel: a third of pip's time. Like pip --no-compile, it leaves compiling each module
# to its first import (the bytecode is kept in __pycache__, so once, not once a process).
UV_INSTALL := $(BIN)/uv pip install --python $(BIN)/python
python-deps: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt uv
	$(UV_INSTALL) --quiet -c constraints.txt -e '.[test]'
	touch $@

assets: node_modules/.installed build/assets/frontend.min.css
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# GOV.UK Frontend compiled with a system font stack and no GDS Transport (for service.gov.uk
# only); served as /assets/frontend.min.css.
build/assets/frontend.min.css: src/feedback/static/sass/frontend.scss node_modules/.installed
	node_modules/.bin/sass --pkg-importer=node --style=compressed --no-source-map $< $@

translations: python-deps
	$(BIN)/feedback translate compile

database: python-deps
	$(BIN)/feedback db upgrade

demo: database
	$(BIN)/feedback demo

## Services and tools the tests need, started or installed when missing.
test-setup: postgres redis chromium

postgres:
	@bash scripts/ensure-postgres.sh

redis:
	@bash scripts/ensure-redis.sh

# Chromium's headless shell (the browser the tests drive, without what a screen needs), and the
# fonts Chromium's package recommends; nothing else it recommends (printing, power, a GPU driver).
chromium:
	@command -v chromium-headless-shell >/dev/null || ($(APT) update -qq && \
	  $(APT) install -y -qq --no-install-recommends chromium-headless-shell fonts-liberation >/dev/null)

## screenshots: run the accessibility tests and keep a picture of every page they visit, in
## test-artifacts/screenshots/
screenshots: setup test-setup
	FEEDBACK_SCREENSHOTS=1 $(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m browser $(PYTEST_ARGS)

test-sqlite: setup redis chromium check
	FEEDBACK_TEST_BACKENDS=sqlite $(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-postgres: setup test-setup check
	FEEDBACK_TEST_BACKENDS=postgresql $(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

extract-translations: python-deps
	$(BIN)/feedback translate extract

update-translations: python-deps
	$(BIN)/feedback translate update

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache
