# Two commands do all set-up on a fresh machine with Python 3.11: `make demo` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
SAMVENV := .venv-sam
STAMP  := $(VENV)/.installed
SAMSTAMP := $(SAMVENV)/.installed
export AWS_ACCOUNT_ID_ENDPOINT_MODE := disabled
export SAM_CLI_TELEMETRY := 0
# `make sam-local`: arm64 is what ships (under qemu); SAM_LOCAL_ARCH=x86_64 runs a derived template natively.
SAM_LOCAL_ARCH ?= arm64

.PHONY: install demo test lint typecheck template-lint build unit integration e2e bench clean browser sam-local

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

# The browser tests (tests/e2e/browser_kit.py) drive Debian's headless Chromium through its chromedriver and
# check accessibility with axe-core from the npm registry (into the gitignored .cache/axe); each is installed
# only when missing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
AXE_JS := .cache/axe/node_modules/axe-core/axe.min.js
browser:
	@{ command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; } \
	  && command -v chromedriver >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium and chromium-driver for the browser tests"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium chromium-driver; }
	@test -f $(AXE_JS) || { \
	  command -v npm >/dev/null 2>&1 || { echo "installing Debian's npm for axe-core"; \
	    $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q npm; }; \
	  echo "installing axe-core 4 from the npm registry into .cache/axe"; \
	  npm install --prefix .cache/axe --no-audit --no-fund --silent axe-core@4; }

demo: $(STAMP)
	$(BIN)/pipewatch demo
	@echo "Open the analyst's console on this demo: $(BIN)/pipewatch console --demo   (prints its URL, user and password)"

lint: $(STAMP)
	$(BIN)/ruff check functions local tests bench
	$(BIN)/ruff format --check functions local tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

template-lint: $(STAMP) $(SAMSTAMP)
	$(BIN)/cfn-lint template.yaml
	$(SAMVENV)/bin/sam validate --lint --template-file template.yaml --region us-east-1

# What ships: `sam build` for the template's architecture (arm64), and the same template for this machine's
# architecture, whose build tests/build imports and invokes in an interpreter that sees nothing else. Each
# build then gets checked-hash .pyc of the runtime's Python for every module (pipewatch_local.bytecode), and
# each function its precompiled patterns (pipewatch_local.regex_table): the host's first, the arm64 build
# records its patterns with the host build's layer.
build: $(STAMP) $(SAMSTAMP)
	PIPEWATCH_SAM=$(SAMVENV)/bin/sam $(BIN)/python -m pipewatch_local.artifact build --arch host
	PIPEWATCH_SAM=$(SAMVENV)/bin/sam $(BIN)/python -m pipewatch_local.artifact build --arch arm64

unit: $(STAMP)
	$(BIN)/pytest tests/unit

integration: $(STAMP)
	$(BIN)/pytest tests/integration

e2e: $(STAMP) browser
	$(BIN)/pytest tests/e2e

# Coverage gates: overall (fail_under in pyproject.toml), then 95 on the pure domain from the same .coverage.
test: $(STAMP) $(SAMSTAMP) browser
	$(MAKE) lint typecheck template-lint build
	$(BIN)/pytest --cov --cov-report=term
	$(BIN)/coverage report --include='functions/pipewatch/domain/*' --fail-under=95

# `sam local invoke` on every function with its events/*.json, in a Lambda-like container, against moto_server:
# needs root on Debian 12 (installs docker.io, debootstrap, qemu-user-static, binfmt-support when missing).
sam-local: $(STAMP) $(SAMSTAMP)
	$(BIN)/python -m pipewatch_local.sam_local --arch $(SAM_LOCAL_ARCH) --sam $(SAMVENV)/bin/sam

bench: $(STAMP)
	$(BIN)/python bench/classify_eval.py
	$(BIN)/python bench/catalyst_eval.py
	$(BIN)/python bench/classify_speed.py
	$(BIN)/python bench/fanout.py
	$(BIN)/python bench/cost.py
	$(BIN)/python bench/soak.py
	$(BIN)/python bench/cold_start.py
	$(BIN)/python bench/build_size.py
	$(BIN)/python bench/reader.py
	$(BIN)/python bench/channel_render.py
	$(BIN)/python bench/poll_climbs.py
	$(BIN)/python bench/events.py
	$(BIN)/python bench/regex_safety.py

clean:
	rm -rf $(VENV) $(SAMVENV) .cache .aws-sam .pytest_cache .mypy_cache .ruff_cache .coverage
