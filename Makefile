# One command runner for people, CI and the README. Every recipe works on a fresh clone.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= .xhht/xhht.duckdb
PORT ?= 8501
export XHHT_DB ?= $(abspath $(DB))

.PHONY: run setup demo system-deps test test-fast lint typecheck bench clean plotly-js

# Create the environment, build the demo store (if there is none) and start the app.
run: setup demo
	$(BIN)/streamlit run dashboard/server.py --server.port $(PORT)

# The virtual environment with the pinned dependencies (re-run when pyproject.toml changes).
setup: $(BIN)/.installed
$(BIN)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

# The demo store, built once; `make demo DB=… FORCE=1` rebuilds it.
demo: setup
	@if [ ! -f "$(XHHT_DB)" ] || [ -n "$(FORCE)" ]; then $(BIN)/xhht demo --db "$(XHHT_DB)" --force; fi

# Debian's Chromium (browser tests, chart export), fonts with Vietnamese glyphs and the
# PostgreSQL server (tests/test_postgres.py starts a throwaway one; Debian keeps its binaries
# under /usr/lib/postgresql/<version>/bin).
system-deps:
	@if [ -x /usr/bin/chromium ] && [ -d /usr/share/fonts/truetype/dejavu ] \
		&& ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core fonts-liberation postgresql >/dev/null; \
	else \
		echo "Cần Chromium, phông chữ và PostgreSQL: sudo apt-get install chromium fonts-dejavu-core fonts-liberation postgresql"; exit 1; \
	fi

# The whole test suite, browser and export tests included.
test: setup system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --dist loadfile

# Without Chromium: neither browser tests nor image exports.
test-fast: setup
	$(BIN)/pytest -n 2 -m "not browser and not chromium"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

# Performance figures against their budgets (see README, "Benchmark").
bench: setup system-deps
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .xhht test-artifacts .pytest_cache .mypy_cache .ruff_cache

# Rebuild dashboard/static/plotly-xhht-<version>.min.js (needs Node.js and npm; the file is committed).
plotly-js:
	tools/plotly/build.sh
