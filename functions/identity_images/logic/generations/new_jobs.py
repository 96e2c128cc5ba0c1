"""What creating and deriving generations both write: `count` queued jobs, one message
each, and (under an `Idempotency-Key`) one answer per caller and key."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from identity_images.errors import ErrorCode, PipelineError
from identity_images.logic.generations.bundle import Generations
from identity_images.models.api import GenerationBatch
from identity_images.models.jobs import Job, JobError, JobMessage, utc_now
from identity_images.models.ports import (
    IdempotencyAnswer,
    IdempotencyOperation,
    JobQueue,
    JobStore,
)
from identity_images.settings import Settings


def check_count(count: int, settings: Settings) -> None:
    if not 1 <= count <= settings.variants_max:
        raise PipelineError(
            ErrorCode.VALIDATION_ERROR,
            f"Ask for 1 to {settings.variants_max} variants; got {count}.",
            details={"field": "count", "min": 1, "max": settings.variants_max},
        )


def new_jobs(count: int, settings: Settings, *, batch: bool, **fields: Any) -> list[Job]:
    """`count` queued jobs with the same fields; with `batch` they share a `batch_id`
    (every job made by a batch route has one, also a batch of one). Their `created_at`
    differ by a microsecond each, index 0 newest, so the history lists them together."""
    now = utc_now()
    batch_id = uuid.uuid4().hex if batch else None
    return [
        Job.new(
            **fields,
            model=settings.gemini_model,
            max_attempts=settings.worker_max_receive_count,
            batch_id=batch_id,
            batch_index=index if batch_id else None,
            batch_size=count if batch_id else None,
            now=now - timedelta(microseconds=index),
        )
        for index in range(count)
    ]


def enqueue(jobs: list[Job], *, store: JobStore, queue: JobQueue) -> None:
    """Write the jobs together, then queue one message each. If the queue refuses, every
    job of the batch ends failed (a worker drops the message of a failed job)."""
    store.create_many(jobs)
    try:
        if len(jobs) == 1:
            queue.send(JobMessage(job_id=jobs[0].id, action="generate"))
        else:
            queue.send_many([JobMessage(job_id=job.id, action="generate") for job in jobs])
    except PipelineError as error:  # never leave a job queued that no message will run
        for job in jobs:
            store.fail(job, JobError.of(error))
        raise


def once(
    g: Generations,
    operation: IdempotencyOperation,
    run: Callable[[], IdempotencyAnswer],
    *,
    key: str,
    idempotency_key: str | None,
    body: dict[str, Any],
) -> IdempotencyAnswer:
    """`run()`, once per caller and `Idempotency-Key` when one is given."""
    if not idempotency_key or g.idempotency is None:
        return run()
    return g.idempotency.once(operation, run, key=key, body=body)


def batch_once(
    g: Generations,
    operation: IdempotencyOperation,
    create: Callable[[], list[Job]],
    *,
    key: str,
    idempotency_key: str | None,
    body: dict[str, Any],
) -> GenerationBatch:
    """The batch `create()` makes, once per caller and `Idempotency-Key` (`once`)."""

    def run() -> IdempotencyAnswer:
        jobs = create()
        return {"batch_id": jobs[0].batch_id, "job_ids": [job.id for job in jobs]}

    result = once(
        g,
        operation,
        run,
        key=key,
        idempotency_key=idempotency_key,
        body=body,
    )
    return GenerationBatch(
        batch_id=str(result["batch_id"]),
        items=[g.store.require(str(job_id)) for job_id in result["job_ids"]],
    )
