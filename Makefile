# One entry point for every task. `make run` and `make test` install what they need.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SAM_VENV := .venv-sam
OB2_VENV := .venv-ob2validator
CHECKOV_VENV := .venv-checkov
CHECKOV_VERSION := 3.3.30
PORT ?= 3000
export SAM_CLI_TELEMETRY := 0

.PHONY: setup run run-fresh test unit integration e2e conformance lint format typecheck template build bench load clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -U pip
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

$(SAM_VENV)/.installed:
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install -q --disable-pip-version-check aws-sam-cli
	touch $@

# checkov, the infrastructure-as-code security scanner, in a venv of its own (its pins clash).
$(CHECKOV_VENV)/.installed-$(CHECKOV_VERSION):
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install -q --disable-pip-version-check checkov==$(CHECKOV_VERSION)
	touch $@

$(OB2_VENV)/.installed: tests/conformance/ob2_validator/requirements.txt tests/conformance/ob2_validator/install.sh
	bash tests/conformance/ob2_validator/install.sh $(OB2_VENV)

VC_VERIFIER := tests/conformance/vc_verifier/node_modules/.vc-verifier-installed

$(VC_VERIFIER): tests/conformance/vc_verifier/package-lock.json tests/conformance/vc_verifier/install.sh
	bash tests/conformance/vc_verifier/install.sh

# axe-core, which the accessibility tests inject into every page (tests/e2e/test_accessibility.py).
A11Y := tests/a11y/node_modules/.a11y-installed

$(A11Y): tests/a11y/package-lock.json tests/a11y/install.sh
	bash tests/a11y/install.sh

CHROMIUM := /usr/bin/chromium

# The browser tests drive Debian's chromium (Playwright cannot download its own browser here).
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "install chromium for the browser tests"; exit 1; }
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

setup: $(VENV)/.installed $(OB2_VENV)/.installed $(VC_VERIFIER) $(A11Y) $(CHROMIUM)

run: $(VENV)/.installed
	PORT=$(PORT) $(BIN)/python -m devplatform

run-fresh: $(VENV)/.installed
	PORT=$(PORT) $(BIN)/python -m devplatform --fresh

test: setup lint typecheck template build
	OB2_VALIDATOR_PYTHON=$(CURDIR)/$(OB2_VENV)/bin/python $(BIN)/pytest -q

unit: $(VENV)/.installed
	$(BIN)/pytest -q tests/unit

integration: $(VENV)/.installed
	$(BIN)/pytest -q tests/integration

# The README's walk-through (tests/e2e/test_walkthrough.py) ends with both independent verifiers.
e2e: $(VENV)/.installed $(A11Y) $(OB2_VENV)/.installed $(VC_VERIFIER)
	OB2_VALIDATOR_PYTHON=$(CURDIR)/$(OB2_VENV)/bin/python $(BIN)/pytest -q tests/e2e

conformance: setup
	OB2_VALIDATOR_PYTHON=$(CURDIR)/$(OB2_VENV)/bin/python $(BIN)/pytest -q tests/conformance

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(VENV)/.installed
	$(BIN)/mypy
	@# Every function's app is a module named `app`: one mypy run each.
	for app in functions/*/app.py; do $(BIN)/mypy $$app || exit 1; done

template: $(VENV)/.installed $(SAM_VENV)/.installed $(CHECKOV_VENV)/.installed-$(CHECKOV_VERSION)
	$(BIN)/cfn-lint template.yaml
	$(SAM_VENV)/bin/sam validate --lint --region us-east-1
	@# Every finding fixed, or skipped in the template's Metadata with a one-line reason;
	@# --skip-download: the checks are in the package, nothing is fetched (CI has no network).
	$(CHECKOV_VENV)/bin/checkov --quiet --compact --skip-download --framework cloudformation -f template.yaml

build: $(VENV)/.installed $(SAM_VENV)/.installed
	$(SAM_VENV)/bin/sam build
	$(BIN)/python scripts/check_layer_build.py .aws-sam/build

# The benchmarks compare against the 1EdTech validator, DCC verifier-core and openbadges-bakery:
# install them too.
bench: $(VENV)/.installed $(OB2_VENV)/.installed $(VC_VERIFIER)
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.batch_bench
	$(BIN)/python -m bench.batch_bench 10000 0 --sync normal

load: $(VENV)/.installed
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) $(SAM_VENV) $(OB2_VENV) $(CHECKOV_VENV) .aws-sam .pytest_cache .mypy_cache .ruff_cache
