# relos-planner: the two quick-start commands are `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench maps browser clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

## demo: create the environment, install, check the bundled example plan and write its map
demo: $(STAMP)
	$(BIN)/relos demo

## browser: Debian's Chromium for the map tests (needs root or sudo; skipped if present)
browser:
	@command -v chromium >/dev/null 2>&1 || command -v /usr/bin/chromium >/dev/null 2>&1 || \
	  { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

## test: the whole test suite (unit, CLI, installed wheel, fuzz CI profile, maps in Chromium)
test: $(STAMP) browser
	$(BIN)/ruff check planner tests bench geodata
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check planner tests bench geodata

## bench: the performance benchmarks, each printed beside its named peer
bench: $(STAMP) browser
	$(BIN)/python bench/run_all.py

## maps: the gallery in maps/ built from examples/
maps: $(STAMP)
	$(BIN)/python maps/build_gallery.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
