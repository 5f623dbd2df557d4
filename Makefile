# Two entry points: `make run` (sample data in an embedded DuckDB, dashboard on :8501) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
DB     ?= aifd.duckdb
PORT   ?= 8501

.PHONY: run test install install-test system-deps demo bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

install: $(PY)
	$(PY) -m pip install --quiet -e .

install-test: $(PY)
	$(PY) -m pip install --quiet -e '.[test]'

# Chromium for the end-to-end browser tests (Debian's package; Playwright never downloads one);
# prometheus and promtool (Debian's prometheus package) for the tests against a real server.
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "install Debian's chromium package for the browser tests"; fi; }
	@{ command -v prometheus && command -v promtool; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq prometheus >/dev/null; \
	  else echo "install Debian's prometheus package (prometheus, promtool) for the Prometheus tests"; fi; }

demo: install
	$(VENV)/bin/aifd --db $(DB) demo

run: demo
	$(VENV)/bin/aifd --db $(DB) serve --port $(PORT)

test: install-test system-deps
	$(PY) -m pytest -q

bench: install-test system-deps
	$(VENV)/bin/aifd bench --gpus 10000 --days 1

clean:
	rm -rf $(VENV) $(DB) $(DB).wal out .pytest_cache
