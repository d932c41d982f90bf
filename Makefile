# make run           — set up and serve the demo on the embedded ZODB
# make test          — set up and run the whole suite, the date-dependent tests on nine awkward days too
#                      (PYTEST_ARGS='-m "not wheels"' skips the wheel install test)
# make test-calendar — only the date-dependent tests, on the nine awkward days
# make wheels        — release build: wheels of the core and every bundled plugin in dist/
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 6543
PLUGINS := $(sort $(wildcard plugins/*/setup.cfg))
EXAMPLE := docs/example_plugin

.PHONY: run test test-calendar setup sysdeps catalogs wheels bench clean

setup: $(VENV)/.installed catalogs

# pip's and setuptools' own chatter (hundreds of build-backend warnings) goes
# to a log; a person sees one line per step, and the log's tail on failure.
$(VENV)/.installed: setup.cfg $(PLUGINS) $(EXAMPLE)/setup.cfg
	@echo "setting up $(VENV): lk_platform, its plugins and test tools (log: $(VENV)/install.log)"
	@$(PYTHON) -m venv $(VENV)
	@( $(BIN)/pip install --upgrade pip 'setuptools<81' wheel && \
	   $(BIN)/pip install -e '.[test]' $(foreach p,$(PLUGINS),-e $(dir $(p))) -e $(EXAMPLE) ) \
	   > $(VENV)/install.log 2>&1 || { tail -n 40 $(VENV)/install.log; exit 1; }
	@touch $@

# Compiled from the .po sources at setup, so no binary catalog is committed;
# a wheel ships the .mo files it finds, so release builds run this first (wheels).
catalogs: $(VENV)/.installed
	@for po in $$(find lk_platform plugins docs -name '*.po' -path '*LC_MESSAGES*'); do \
	  mo=$${po%.po}.mo; \
	  if [ ! -f $$mo ] || [ $$po -nt $$mo ]; then $(BIN)/pybabel -q compile -i $$po -o $$mo || exit 1; fi; \
	done

# From a clean build/ (setuptools would pack files left there by an earlier build).
# tests/test_wheels.py builds the same way from a copy of the checkout and installs the result.
PROJECTS := . $(patsubst %/,%,$(dir $(PLUGINS))) $(EXAMPLE)
wheels: catalogs
	rm -rf $(addsuffix /build,$(PROJECTS))
	$(BIN)/pip wheel -q --no-deps --no-build-isolation -w dist $(PROJECTS)

run: setup
	@mkdir -p var
	@$(BIN)/lk -c etc/development.ini serve --host $(HOST) --port $(PORT)

# System packages the suite drives for real: Chromium (browser tests),
# PostgreSQL (RelStorage tests), WeasyPrint's Pango. Installed when missing.
sysdeps:
	@sh tests/sysdeps.sh

test: setup sysdeps
	@echo "ruff: lint and import order"
	@$(BIN)/ruff check -q .
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# Only the date-dependent tests (marked calendar), rerun on awkward days; make test runs them too.
# One day: $(BIN)/python -m pytest -m calendar --lk-today=2028-02-29T23:40
test-calendar: setup
	@echo "calendar: the date-dependent tests on nine awkward days, two at a time"
	$(BIN)/python -m pytest -q tests/test_calendar_days.py $(PYTEST_ARGS)

# wrk generates the load when installed: the Python client would take a core
# from the server it measures. Like sysdeps.sh: installed as root, else a note.
bench: setup
	@command -v wrk >/dev/null || if [ "$$(id -u)" = 0 ]; then \
	  echo "installing: wrk"; export DEBIAN_FRONTEND=noninteractive; \
	  (apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk >/dev/null) \
	    || echo "could not install wrk; measuring with the Python client" >&2; \
	else echo "wrk is missing (install it as root); measuring with the Python client" >&2; fi
	$(BIN)/python bench/bench_pages.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/test-* dist $(addsuffix /build,$(PROJECTS))
