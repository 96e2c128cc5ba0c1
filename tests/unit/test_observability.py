"""The Tracer's provider: no X-Ray SDK at import; the real recorder once tracing is used.

Each case that imports a handler runs in a fresh interpreter (`benchmarks.cold_start.probe`),
because X-Ray's patching is process-wide and a handler's import-time cost is only visible
in a process that has not imported anything yet.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.cold_start import HANDLERS, LAMBDA_LIKE_ENV, ROOT, TRACING_ON_ENV, probe
from identity_images.handlers.observability import (
    LazyXRayProvider,
    NoOpSegment,
    tracing_disabled,
)

XRAY = "aws_xray_sdk.core"
OPENAPI_MODELS = "aws_lambda_powertools.event_handler.openapi.models"


@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_no_handler_imports_the_xray_sdk(name: str) -> None:
    sample = probe(HANDLERS[name])
    assert XRAY not in sample.deferred


def test_no_handler_imports_the_xray_sdk_with_tracing_on_either() -> None:
    sample = probe(HANDLERS["api"], env=TRACING_ON_ENV)
    assert sample.deferred == ()


def test_the_api_loads_openapi_models_only_for_the_schema_route() -> None:
    sample = probe(HANDLERS["api"], event=ROOT / "events/api_openapi.json")
    assert OPENAPI_MODELS not in sample.deferred
    assert sample.first_s is not None
    assert OPENAPI_MODELS in sample.deferred_after
    assert XRAY not in sample.deferred_after  # tracing is off in LAMBDA_LIKE_ENV


def test_with_tracing_on_the_first_invocation_records_through_xray(tmp_path: Path) -> None:
    """In a Lambda-like process with tracing on, the handler's subsegments go to the
    X-Ray recorder, which has patched botocore and httpx by then."""
    script = tmp_path / "traced.py"
    script.write_text(
        "import json, sys\n"
        "from identity_images.handlers import api\n"
        "from identity_images.handlers.observability import tracer\n"
        "from local_stack.lambda_runtime import LocalLambdaContext\n"
        "assert 'aws_xray_sdk.core' not in sys.modules\n"
        "event = json.load(open(sys.argv[1]))\n"
        "response = api.handler(event, LocalLambdaContext('t', timeout_s=30, region='us-east-1'))\n"
        "from aws_xray_sdk.core import patcher, xray_recorder\n"
        "print(json.dumps({'status': response['statusCode'],\n"
        "  'recorder': tracer.provider.recorder() is xray_recorder,\n"
        "  'patched': sorted(patcher._PATCHED_MODULES),\n"
        "  'streaming_threshold': xray_recorder.streaming_threshold}))\n"
    )
    env = {**LAMBDA_LIKE_ENV, **TRACING_ON_ENV}
    env["PYTHONPATH"] = f"{ROOT / 'functions'}:{ROOT}"
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(script), str(ROOT / "events/api_openapi.json")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == 200
    assert result["recorder"] is True
    assert {"botocore", "httpx"} <= set(result["patched"])
    assert result["streaming_threshold"] == 0


def test_a_disabled_provider_hands_out_segments_that_record_nothing() -> None:
    provider = LazyXRayProvider(disabled=True)
    provider.patch_all()
    with provider.in_subsegment(name="## step") as segment:
        assert isinstance(segment, NoOpSegment)
        segment.put_annotation("ColdStart", True)
        segment.put_metadata("response", {"ok": True})
    provider.put_annotation("Service", "identity-images")

    async def in_async() -> object:
        async with provider.in_subsegment_async(name="## async step") as inner:
            return inner

    assert isinstance(asyncio.run(in_async()), NoOpSegment)
    assert not provider.loaded


def test_tracing_follows_powertools_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAMBDA_TASK_ROOT", "/var/task")
    monkeypatch.delenv("AWS_SAM_LOCAL", raising=False)
    monkeypatch.delenv("AWS_CHALICE_CLI_MODE", raising=False)
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "false")
    assert tracing_disabled() is False
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    assert tracing_disabled() is True
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "false")
    monkeypatch.setenv("AWS_SAM_LOCAL", "true")
    assert tracing_disabled() is True
    monkeypatch.delenv("AWS_SAM_LOCAL")
    monkeypatch.delenv("LAMBDA_TASK_ROOT")
    assert tracing_disabled() is True
