"""What the regeneration tests share: the trigger run on the regeneration queue's
notifications, and the jobs it started."""

from __future__ import annotations

import json
from typing import Any

from identity_images.adapters import aws
from identity_images.adapters.job_store import JobStore
from identity_images.handlers import trigger as trigger_handler
from identity_images.models.jobs import Job
from identity_images.settings import get_settings
from tests.support.lambdas import deliver


def trigger(event: dict[str, Any], queue_url: str) -> list[str]:
    """The trigger handler on `event`, as the regeneration queue's mapping runs it."""
    return deliver(event, handler=trigger_handler.handler, queue_url=queue_url)


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
