# eventscribe — the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test eval bench lock clean

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "eventscribe needs Python 3.11 or newer (PYTHON=$(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@$(BIN)/eventscribe extract samples/fr --format table
	@echo
	@echo "Your own file:  $(BIN)/eventscribe extract PATH --date YYYY-MM-DD --format json"

test: $(STAMP)
	$(BIN)/python -m pytest -q

eval: $(STAMP)
	$(BIN)/python scripts/evaluate.py

bench: $(STAMP)
	$(BIN)/python benchmarks/throughput.py

# Re-pin every dependency (with hashes) after editing pyproject.toml.
lock:
	$(PYTHON) -m venv .lockenv && .lockenv/bin/pip install --quiet pip-tools==7.6.2
	.lockenv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	  --extra test --output-file requirements.lock pyproject.toml
	rm -rf .lockenv

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
