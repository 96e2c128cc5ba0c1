"""The regeneration tests' world: the jobs tests' moto server, resources, local Gemini and
fake host (imported from `tests.jobs.conftest`), plus the regeneration queue with the
bucket's `references/identities/` ObjectCreated notification pointed at it, as the CDK app
and the local stack configure it. Notifications are really sent by moto's S3, received
from SQS and handed to `handlers.trigger.handler`."""

from __future__ import annotations

import json
from typing import Any

import pytest

from identity_images.adapters import aws
from identity_images.adapters.job_queue import JobQueue
from identity_images.adapters.job_store import JobStore
from identity_images.adapters.regeneration_state import RegenerationStates
from identity_images.adapters.storage import Storage
from identity_images.handlers import trigger as trigger_handler
from identity_images.handlers import worker as worker_handler
from identity_images.logic.regeneration import Regenerator
from identity_images.logic.worker import Worker, build_worker
from identity_images.models.jobs import Job
from identity_images.settings import Settings, get_settings
from local_stack import local_resources
from local_stack.aws_resources import Resources
from tests.jobs.conftest import (  # noqa: F401 - fixtures shared with the jobs tests
    FakeCallback,
    FakeHost,
    LambdaContextStub,
    api_app,
    gemini,
    moto_server,
)
from tests.jobs.conftest import host as host
from tests.jobs.conftest import resources as resources
from tests.jobs.helpers import receive_event

REGENERATION_QUEUE = "identity-image-regeneration"


@pytest.fixture
def settings(resources: Resources, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """No debounce delay unless a test asks for one, so job messages can be received."""
    monkeypatch.setenv("REGENERATION_DEBOUNCE_S", "0")
    get_settings.cache_clear()
    return get_settings()


@pytest.fixture
def regeneration_queue(settings: Settings, resources: Resources) -> str:
    """The regeneration queue (+ DLQ, as `aws_resources` creates it) and the bucket's
    notification into it. Configuring it makes moto's S3 send its `s3:TestEvent`, which
    stays on the queue."""
    url = resources.regeneration_queue_url
    local_resources.notify_queue_of_references(
        aws.s3(),
        settings.bucket_name,
        local_resources.queue_arn(aws.sqs(), url),
        settings.bucket_layout,
    )
    return url


@pytest.fixture
def regenerator(settings: Settings, host: FakeHost, monkeypatch: pytest.MonkeyPatch) -> Regenerator:
    """The real regeneration logic but for the host's port; the trigger handler uses it."""
    built = Regenerator(
        store=JobStore.from_settings(settings),
        states=RegenerationStates.from_settings(settings),
        queue=JobQueue.from_settings(settings),
        storage=Storage.from_settings(settings),
        host=host,
        settings=settings,
    )
    monkeypatch.setattr(trigger_handler, "get_regenerator", lambda: built)
    return built


@pytest.fixture
def callback() -> FakeCallback:
    return FakeCallback()


@pytest.fixture
def worker(
    settings: Settings, host: FakeHost, callback: FakeCallback, monkeypatch: pytest.MonkeyPatch
) -> Worker:
    """The real worker (local Gemini through the SDK) but for the host's two ports."""
    built = build_worker(settings, host=host, callback=callback)
    monkeypatch.setattr(worker_handler, "get_worker", lambda: built)
    return built


# --- helpers ----------------------------------------------------------------------------
def notifications(queue_url: str) -> dict[str, Any]:
    """Every message visible on the regeneration queue, as one SQS event."""
    records: list[dict[str, Any]] = []
    while batch := receive_event(queue_url)["Records"]:
        records += batch
    return {"Records": records}


def drain(queue_url: str) -> dict[str, Any]:
    """Receive and delete every visible message (e.g. moto's `s3:TestEvent`)."""
    event = notifications(queue_url)
    for record in event["Records"]:
        aws.sqs().delete_message(QueueUrl=queue_url, ReceiptHandle=record["receiptHandle"])
    return event


def run_handler(
    handler: Any, event: dict[str, Any], queue_url: str, *, delete: bool = True
) -> list[str]:
    """Run a batch handler and, as the event source mapping does, delete the records that
    did not fail; the ids of those that failed."""
    answer: dict[str, Any] = handler(event, LambdaContextStub())
    failed = [f["itemIdentifier"] for f in answer["batchItemFailures"]]
    if delete:
        for record in event["Records"]:
            if record["messageId"] not in failed:
                aws.sqs().delete_message(QueueUrl=queue_url, ReceiptHandle=record["receiptHandle"])
    return failed


def trigger(event: dict[str, Any], queue_url: str) -> list[str]:
    return run_handler(trigger_handler.handler, event, queue_url)


def s3_records(event: dict[str, Any]) -> list[dict[str, Any]]:
    """The S3 notification records inside an SQS event (test events left out)."""
    return [
        item
        for record in event["Records"]
        for item in json.loads(record["body"]).get("Records", [])
    ]


def regeneration_jobs() -> list[Job]:
    """Every job the trigger started (state items and API jobs left out)."""
    store = JobStore.from_settings(get_settings())
    answer = aws.dynamodb().scan(TableName=get_settings().jobs_table_name)
    ids = [item["job_id"]["S"] for item in answer["Items"]]
    jobs = [store.get(job_id) for job_id in ids if not job_id.startswith("regeneration#")]
    return sorted(
        (job for job in jobs if job is not None and job.source == "s3_event"),
        key=lambda job: job.created_at,
    )
