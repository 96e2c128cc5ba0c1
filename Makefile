# Every target installs what it needs into .venv first, so each works on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1

.PHONY: install run test lint typecheck unit bench synth deploy layers invoke dead-letters \
	verify-artifact clean web-deps web-build web-types web-check chromium screenshot

install: $(STAMP)

# The layers' pins constrain the development environment, so the tests run the versions
# that ship (a new release on PyPI changes nothing until a layer's list says so).
LAYER_PINS := layers/base/requirements.txt layers/imaging/requirements.txt

$(STAMP): pyproject.toml $(LAYER_PINS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' $(addprefix -c ,$(LAYER_PINS))
	touch $(STAMP)

## Run the whole pipeline locally (moto, Django, local Gemini, API gateway, pollers) and
## the Images tab (web/dist, built first).
run: install web-build
	$(BIN)/identity-images serve

## ruff, mypy, the web checks (types up to date, eslint, tsc, vitest) and pytest (with the
## end-to-end test in Chromium); fails if any fails.
test: lint typecheck web-check unit

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy $(wildcard functions local_stack django_integration/* infra layers artifact_check tests benchmarks)

unit: install web-build chromium
	$(BIN)/pytest

## The Images tab (web/): npm ci from the lock file, once per change of it.
WEB_STAMP := web/node_modules/.installed-stamp
web-deps: $(WEB_STAMP)

$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $(WEB_STAMP)

web-build: web-deps
	cd web && npm run build

## Regenerate web/openapi.json and the client's types from the API's pydantic models.
web-types: install web-deps
	$(BIN)/python -m local_stack.openapi_schema web/openapi.json
	cd web && npx openapi-typescript openapi.json -o src/api/schema.d.ts

web-check: install web-deps
	$(BIN)/python -m local_stack.openapi_schema --check web/openapi.json
	cd web && npx openapi-typescript openapi.json -o node_modules/.schema-check.d.ts \
		&& diff -u src/api/schema.d.ts node_modules/.schema-check.d.ts \
		|| (echo "web/src/api/schema.d.ts is out of date: run make web-types" && exit 1)
	cd web && npm run lint && npm run typecheck && npm test

## The end-to-end test drives Debian's chromium (Playwright downloads no browser).
chromium:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

## Refresh docs/images-tab.png (the README's screenshot) from the whole path's browser test.
screenshot: install web-build chromium
	IMAGES_TAB_SCREENSHOT=$(CURDIR)/docs/images-tab.png $(BIN)/pytest tests/e2e/browser/test_the_whole_path.py -q

## Speed and memory figures, as ratios against a baseline measured in the same run.
bench: install web-build
	$(BIN)/python -m benchmarks

## Run one handler with one sample event: make invoke HANDLER=api EVENT=events/api_openapi.json
## (on `make run`'s stack while it runs, on AWS_ENDPOINT_URL when set, else an in-process moto).
HANDLER ?= api
EVENT   ?= events/api_openapi.json
invoke: install
	$(BIN)/python -m local_stack.invoke $(HANDLER) $(EVENT)

## The jobs dead-letter queue: make dead-letters (lists), make dead-letters ARGS="redrive --all"
## (reads JOBS_QUEUE_URL/JOBS_DLQ_URL/JOBS_TABLE_NAME; ARGS="list --local" for `make run`).
ARGS ?= list
dead-letters: install
	$(BIN)/identity-images dead-letters $(ARGS)

## CDK: synth needs no AWS account and no Docker (empty stand-in layers); deploy builds the
## layers first. Pass context with CONTEXT, e.g. make deploy CONTEXT="-c stage=prod".
CDK     ?= npx --yes aws-cdk@2
CONTEXT ?=

synth: install
	$(CDK) synth --no-notices -q -c skipLayerBuild=true $(CONTEXT)

deploy: install layers
	$(CDK) deploy --no-notices $(CONTEXT)

## Lambda layers for python3.13 arm64, with pip (no Docker); prints their sizes.
layers: install
	$(BIN)/python -m layers.build

## The deploy artefact on its target: the layers and the code as the CDK app packages them,
## imported and run by CPython 3.13 on aarch64 (Debian's, under qemu-user) against the
## local stack. Installs qemu-user-static with apt when missing; the sysroot is cached in
## ~/.cache/identity-images/artifact-check (ARTIFACT_CACHE_DIR to move it).
QEMU_AARCH64 := qemu-aarch64-static
verify-artifact: install layers
	@command -v $(QEMU_AARCH64) >/dev/null || { \
	  echo "installing qemu-user-static (apt) ..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q qemu-user-static; }
	$(BIN)/python -m artifact_check

clean:
	rm -rf $(VENV) cdk.out layers/build .mypy_cache .ruff_cache .pytest_cache
