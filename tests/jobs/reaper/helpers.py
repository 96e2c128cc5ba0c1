"""What the reaper's tests share: the reference a job is made from, a job created through
the API, one delivery of a queued message, when the schedule finds a lapsed lease lapsed
long enough, a worker killed on its last receive (`Killed`, `kill_on_last_receive`), and
the operator's `dead-letters` command read as JSON. Their fixtures are in `conftest.py`."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from identity_images.adapters import aws
from identity_images.engine.preview import make_renditions
from identity_images.errors import ErrorCode
from identity_images.handlers import worker as worker_handler
from identity_images.logic import storing
from identity_images.logic.worker import Worker
from identity_images.models.jobs import utc_now
from identity_images.settings import Settings
from local_stack.aws_resources import Resources
from local_stack.cli import main as cli
from local_stack.gemini_server import LocalGeminiServer
from tests.support.aws_state import messages_in
from tests.support.fakes import ADMIN_ID, ADMIN_IDENTITY
from tests.support.lambdas import LambdaContextStub, call_api, deliver, receive_event

REFS = [f"uploads/{ADMIN_ID}/up1/1.jpg"]
GAVE_UP = ErrorCode.WORKER_GAVE_UP.value


class Killed(BaseException):
    """What the runtime does to a timed-out or out-of-memory function: the handler never
    returns (no answer, no batch item failures, nothing after it runs)."""


def create_job(**overrides: Any) -> str:
    body = {
        "identity_id": ADMIN_IDENTITY,
        "reference_keys": REFS,
        "aspect_ratio": "1:1",
        "image_size": "1K",
        **overrides,
    }
    status, job, _ = call_api("POST", "/v1/generations", body=body)
    assert status == 202, job
    return str(job["id"])


def run_once(queue_url: str) -> list[str]:
    event = receive_event(queue_url)
    assert event["Records"], "expected a message on the queue"
    return deliver(event)


def later(settings: Settings) -> datetime:
    """When the schedule finds a lapsed lease lapsed long enough."""
    return utc_now() + timedelta(seconds=settings.job_lease_s + settings.reaper_grace_s + 5)


def kill_on_last_receive(
    resources: Resources,
    settings: Settings,
    worker: Worker,
    job_id: str,
    gemini: LocalGeminiServer,
    monkeypatch: pytest.MonkeyPatch,
    *,
    making_the_preview: bool = False,
) -> None:
    """Every receive but the last fails (Gemini 503); on the last the function is killed
    mid-run (in the Gemini call, or `making_the_preview` of the output it stored); SQS
    then moves the message to the dead-letter queue on its next receive."""
    tries = settings.worker_max_receive_count
    gemini.fail_next("http_503", tries - 1)
    for _ in range(tries - 1):
        assert len(run_once(resources.jobs_queue_url)) == 1
    assert worker.store.require(job_id).status == "queued"

    def killed(*_: Any, **__: Any) -> Any:
        raise Killed

    if making_the_preview:
        monkeypatch.setattr(storing, "make_renditions", killed)
    else:
        monkeypatch.setattr(worker_handler, "get_worker", lambda: replace(worker, generate=killed))
    event = receive_event(resources.jobs_queue_url)
    assert event["Records"][0]["attributes"]["ApproximateReceiveCount"] == str(tries)
    with pytest.raises(Killed):
        worker_handler.handler(event, LambdaContextStub())
    running = worker.store.require(job_id)
    assert running.status == "running"
    assert running.attempts == tries
    # The visibility timeout passes; the next receive moves it to the dead-letter queue.
    aws.sqs().change_message_visibility(
        QueueUrl=resources.jobs_queue_url,
        ReceiptHandle=event["Records"][0]["receiptHandle"],
        VisibilityTimeout=0,
    )
    assert receive_event(resources.jobs_queue_url)["Records"] == []
    assert messages_in(resources.jobs_dlq_url) == 1
    monkeypatch.setattr(worker_handler, "get_worker", lambda: worker)  # a new container
    monkeypatch.setattr(storing, "make_renditions", make_renditions)


def dead_letters_json(*args: str) -> tuple[int, dict[str, Any]]:
    out, err = io.StringIO(), io.StringIO()
    code = cli(["dead-letters", *args, "--json"], stdout=out, stderr=err)
    return code, json.loads(out.getvalue())
