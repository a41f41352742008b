# Two commands do all set-up on a fresh machine with Python 3.11: `make demo` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
SAMVENV := .venv-sam
STAMP  := $(VENV)/.installed
SAMSTAMP := $(SAMVENV)/.installed
export AWS_ACCOUNT_ID_ENDPOINT_MODE := disabled
export SAM_CLI_TELEMETRY := 0

.PHONY: install demo test lint typecheck template-lint unit integration e2e bench clean

$(STAMP): pyproject.toml local/pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH (or: make PYTHON=python3 ...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]' -e ./local
	touch $(STAMP)

# SAM CLI pins an older boto3: it lives in its own venv so the project's boto3 is never downgraded.
$(SAMSTAMP):
	$(PYTHON) -m venv $(SAMVENV)
	$(SAMVENV)/bin/python -m pip install -q --upgrade pip
	$(SAMVENV)/bin/python -m pip install -q 'aws-sam-cli==1.170.0'
	touch $(SAMSTAMP)

install: $(STAMP) $(SAMSTAMP)

demo: $(STAMP)
	$(BIN)/pipewatch demo

lint: $(STAMP)
	$(BIN)/ruff check functions local tests bench
	$(BIN)/ruff format --check functions local tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

template-lint: $(STAMP) $(SAMSTAMP)
	$(BIN)/cfn-lint template.yaml
	$(SAMVENV)/bin/sam validate --lint --template-file template.yaml --region us-east-1

unit: $(STAMP)
	$(BIN)/pytest tests/unit

integration: $(STAMP)
	$(BIN)/pytest tests/integration

e2e: $(STAMP)
	$(BIN)/pytest tests/e2e

test: $(STAMP) $(SAMSTAMP)
	$(MAKE) lint typecheck template-lint
	$(BIN)/pytest --cov --cov-report=term

bench: $(STAMP)
	$(BIN)/python bench/classify_eval.py
	$(BIN)/python bench/classify_speed.py
	$(BIN)/python bench/fanout.py
	$(BIN)/python bench/cost.py
	$(BIN)/python bench/soak.py
	$(BIN)/python bench/cold_start.py

clean:
	rm -rf $(VENV) $(SAMVENV) .pytest_cache .mypy_cache .ruff_cache .coverage
