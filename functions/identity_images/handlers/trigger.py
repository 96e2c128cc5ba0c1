"""The trigger Lambda: S3 notifications (inside SQS messages) from the regeneration queue.

Each record's body is parsed with Powertools' S3-in-SQS parser models
(`models.s3_events`); S3's one-off `s3:TestEvent` is dropped; every notification record
goes to `logic.regeneration`. Powertools `BatchProcessor` with partial failures: a record
that raises (Django or DynamoDB unavailable) comes back, and after the queue's
`maxReceiveCount` goes to its dead-letter queue; the others are deleted.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from identity_images.handlers import init_phase
from identity_images.handlers.batch import process_sqs_batch
from identity_images.handlers.observability import load_tracing, logger, metrics, tracer
from identity_images.logic.regeneration import (
    Decision,
    ReferenceCreated,
    Regenerator,
    build_regenerator,
)
from identity_images.models.s3_events import ReferenceNotification, S3TestEvent
from identity_images.settings import TRIGGER_RESOURCES, get_settings


@cache
def get_regenerator() -> Regenerator:
    """Built once per Lambda container."""
    return build_regenerator(get_settings().require(TRIGGER_RESOURCES))


def _is_test_event(body: str) -> bool:
    try:
        S3TestEvent.model_validate_json(body)
    except ValidationError:
        return False
    return True


@tracer.capture_method
def record_handler(record: SQSRecord) -> list[Decision]:
    if _is_test_event(record.body):
        logger.info("S3 test event; ignored")
        metrics.add_metric(name="References_test_event", unit=MetricUnit.Count, value=1)
        return [Decision.IGNORED]
    notification = ReferenceNotification.model_validate(record.raw_event)  # bad -> DLQ
    regenerator = get_regenerator()
    decisions = [
        regenerator.handle(
            ReferenceCreated(
                key=item.object_key,
                event_name=item.eventName,
                size=item.object_size,
                event_time=item.eventTime,
            )
        )
        for item in notification.body.Records
    ]
    for decision in decisions:
        metrics.add_metric(name=f"References_{decision.value}", unit=MetricUnit.Count, value=1)
    return decisions


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    get_regenerator()  # built on the first invocation: a missing setting fails it here
    return process_sqs_batch(event, record_handler, context)


init_phase.prepare(load_tracing, get_regenerator, logger=logger)
