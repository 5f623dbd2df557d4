# Two entry points: `make run` (sample data in an embedded DuckDB, dashboard on :8501; with a
# Prometheus URL configured, its data instead, synced every minute beside the dashboard) and `make test`.
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
# prometheus and promtool (Debian's prometheus package) for the tests against a real server;
# pdftoppm and pdftotext (poppler-utils) to render and read the reports' PDF in the tests, and the
# DejaVu fonts the PDF is set in (without them it falls back to ReportLab's Vera).
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "install Debian's chromium package for the browser tests"; fi; }
	@{ command -v prometheus && command -v promtool; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq prometheus >/dev/null; \
	  else echo "install Debian's prometheus package (prometheus, promtool) for the Prometheus tests"; fi; }
	@{ command -v pdftoppm && command -v pdftotext && test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq poppler-utils fonts-dejavu-core >/dev/null; \
	  else echo "install Debian's poppler-utils and fonts-dejavu-core for the report tests"; fi; }

demo: install
	$(VENV)/bin/aifd --db $(DB) demo

# With [prometheus] url (aifd.toml) or AIFD_PROMETHEUS_URL set, `aifd serve` starts `aifd sync --every`
# beside the dashboard and the sample is not loaded.
run: install
	@if $(VENV)/bin/aifd sync --configured >/dev/null; then \
	  echo "Prometheus configured: syncing it into $(DB)"; \
	else $(VENV)/bin/aifd --db $(DB) demo; fi
	$(VENV)/bin/aifd --db $(DB) serve --port $(PORT)

test: install-test system-deps
	$(PY) -m pytest -q

bench: install-test system-deps
	$(VENV)/bin/aifd bench --gpus 10000 --days 1

clean:
	rm -rf $(VENV) $(DB) $(DB).wal $(DB).tmp $(DB).sync.lock out .pytest_cache
