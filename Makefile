# Every target installs what it needs into .venv first, so each works on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1

.PHONY: install run test lint typecheck unit bench synth deploy layers invoke verify-artifact clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Run the whole pipeline locally (moto, Django, local Gemini, API gateway, pollers).
run: install
	$(BIN)/identity-images serve

## ruff, mypy and pytest; fails if any fails.
test: lint typecheck unit

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy $(wildcard functions local_stack django_integration/* infra layers artifact_check tests benchmarks)

unit: install
	$(BIN)/pytest

## Speed and memory figures, as ratios against a baseline measured in the same run.
bench: install
	$(BIN)/python -m benchmarks

## Run one handler with one sample event: make invoke HANDLER=api EVENT=events/api_openapi.json
## (against AWS_ENDPOINT_URL when set, e.g. `make run`'s moto; else an in-process moto).
HANDLER ?= api
EVENT   ?= events/api_openapi.json
invoke: install
	$(BIN)/python -m local_stack.invoke $(HANDLER) $(EVENT)

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
