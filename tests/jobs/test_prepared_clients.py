"""The clients a function's Lambda init builds (`handlers.init_phase`: the API's and the
worker's from `settings.*_CLIENTS`, the reaper's with its logic) are every client its
requests use: after the init, real requests through the handlers, against moto, build
no other."""

from __future__ import annotations

from typing import Any

import pytest
from aws_lambda_powertools import Logger

from identity_images.adapters import aws
from identity_images.handlers import init_phase
from identity_images.handlers import reaper as reaper_handler
from identity_images.handlers import worker as worker_handler
from identity_images.handlers.routes import deps
from identity_images.logic.worker import build_worker
from identity_images.settings import API_CLIENTS, WORKER_CLIENTS, Settings
from local_stack.aws_resources import Resources
from tests.jobs.helpers import REFS, generation_body
from tests.support.fakes import ADMIN_IDENTITY, FakeCallback, FakeHost
from tests.support.lambdas import (
    LambdaContextStub,
    call_api,
    deliver,
    load_event,
    receive_event,
)

pytestmark = pytest.mark.usefixtures("api_app_ready")


@pytest.fixture
def lambda_init(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process as a Lambda execution environment."""
    monkeypatch.setenv(init_phase.INITIALIZATION_TYPE, "on-demand")


def init(step: init_phase.Step) -> dict[tuple[str, str, str | None], Any]:
    """A Lambda's init, from no client at all, running `step`: the clients it built."""
    aws.reset_clients()
    init_phase.prepare(step, logger=Logger(service="init-test"))
    return dict(aws._clients)


def services(clients: dict[tuple[str, str, str | None], Any]) -> list[str]:
    return sorted(service for service, _, _ in clients)


def create_generation() -> str:
    status, job, _ = call_api("POST", "/v1/generations", body=generation_body(reference_keys=REFS))
    assert status == 202, job
    return str(job["id"])


@pytest.mark.usefixtures("lambda_init")
def test_the_api_routes_use_only_the_clients_its_init_built() -> None:
    built = init(deps.prepare)
    deps._host.cache_clear()  # the routes here read the fake host
    assert services(built) == sorted(API_CLIENTS)

    status, uploads, _ = call_api(
        "POST", "/v1/uploads", body={"files": [{"content_type": "image/jpeg", "size": 1000}]}
    )
    assert status == 201, uploads
    job_id = create_generation()
    assert call_api("GET", f"/v1/generations/{job_id}")[0] == 200
    listed = call_api("GET", "/v1/generations", query={"identity_id": ADMIN_IDENTITY})
    assert listed[0] == 200

    assert aws._clients == built


@pytest.mark.usefixtures("lambda_init")
def test_the_worker_uses_only_the_clients_its_init_built(
    resources: Resources,
    settings: Settings,
    host: FakeHost,
    callback: FakeCallback,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job_id = create_generation()
    built = init(worker_handler.build_clients)
    assert services(built) == sorted(WORKER_CLIENTS)
    worker = build_worker(settings, host=host, callback=callback)
    monkeypatch.setattr(worker_handler, "get_worker", lambda: worker)

    assert deliver(receive_event(resources.jobs_queue_url)) == []
    assert worker.store.require(job_id).status == "succeeded"

    assert aws._clients == built


@pytest.mark.usefixtures("lambda_init")
def test_the_reaper_uses_only_the_clients_its_init_built() -> None:
    reaper_handler.get_reaper.cache_clear()
    built = init(reaper_handler.get_reaper)
    assert services(built) == ["dynamodb", "s3", "sqs"]  # S3: the outputs stopped tries stored
    try:
        summary = reaper_handler.handler(load_event("scheduled_reaper"), LambdaContextStub())
    finally:
        reaper_handler.get_reaper.cache_clear()
    assert summary["dead_letters"] == 0

    assert aws._clients == built
