"""`make invoke`: a handler run with a sample event against the local settings."""

from __future__ import annotations

import json
import re

import pytest

from local_stack.aws_resources import Resources
from local_stack.invoke import main
from tests.support.lambdas import EVENTS, invoke_answer


def test_invoke_runs_the_api_with_a_sample_event(
    resources: Resources, capsys: pytest.CaptureFixture[str]
) -> None:
    # The one route that needs no host app (every other one checks the caller with it).
    assert main(["api", str(EVENTS / "api_openapi.json")]) == 0
    answer = invoke_answer(capsys.readouterr().out)
    assert answer["statusCode"] == 200
    assert "/v1/generations" in json.loads(answer["body"])["paths"]


def test_every_api_route_has_a_sample_event() -> None:
    from identity_images.handlers.api import app

    routes = {(r.method, r.rule.pattern) for r in app._static_routes + app._dynamic_routes}
    samples = [json.loads(p.read_text()) for p in EVENTS.glob("api_*.json")]
    assert len(routes) == 16
    for method, pattern in routes:
        assert any(
            s["httpMethod"] == method and re.fullmatch(pattern, s["path"]) for s in samples
        ), (method, pattern)


def test_invoke_runs_the_reaper_with_the_scheduled_event(
    resources: Resources, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["reaper", str(EVENTS / "scheduled_reaper.json")]) == 0
    assert invoke_answer(capsys.readouterr().out) == {"dead_letters": 0, "swept": 0}
