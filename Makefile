# eventscribe — the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test eval bench lock clean web

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "eventscribe needs Python 3.11 or newer (PYTHON=$(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

# The demo ends by serving the dashboard and the API over the samples' store (Ctrl-C stops).
DEMO_DB   ?= demo.duckdb
DEMO_PORT ?= 8000

demo: $(STAMP)
	@$(BIN)/eventscribe extract samples/fr --format table
	@echo
	@echo "Your own file:  $(BIN)/eventscribe extract PATH --date YYYY-MM-DD --format json"
	@$(BIN)/eventscribe ingest samples/fr --db $(DEMO_DB) --quiet
	@echo
	@echo "Dashboard: http://127.0.0.1:$(DEMO_PORT)/   API: http://127.0.0.1:$(DEMO_PORT)/docs   (Ctrl-C stops)"
	@$(BIN)/eventscribe serve --db $(DEMO_DB) --port $(DEMO_PORT)

test: $(STAMP)
	$(BIN)/python -m pytest -q

eval: $(STAMP)
	$(BIN)/python scripts/evaluate.py

# Issue 4's figures into docs/PERFORMANCE.md: ~30 min on 2 idle cores at full scale; scale down:
# BENCH_ARGS_INGEST="--articles 200" BENCH_ARGS_QUERY="--events 100000".
BENCH_ARGS_INGEST ?=
BENCH_ARGS_QUERY  ?=
BENCH_ARGS_DEDUP  ?=
bench: $(STAMP)
	$(BIN)/python benchmarks/ingest_throughput.py --write-docs $(BENCH_ARGS_INGEST)
	$(BIN)/python benchmarks/query_latency.py --write-docs $(BENCH_ARGS_QUERY)
	$(BIN)/python benchmarks/cluster_update.py --write-docs $(BENCH_ARGS_DEDUP)

# Rebuild the dashboard into src/eventscribe/web/static/ (committed, so pip users need no npm).
web:
	cd web && npm ci && npm run build

# Re-pin every dependency (with hashes) after editing pyproject.toml.
lock:
	$(PYTHON) -m venv .lockenv && .lockenv/bin/pip install --quiet pip-tools==7.6.2
	.lockenv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	  --extra test --output-file requirements.lock pyproject.toml
	rm -rf .lockenv

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
