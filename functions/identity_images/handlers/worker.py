"""The worker Lambda: SQS job messages, Powertools batch processing with partial failures.

The event source mapping uses `ReportBatchItemFailures`: a record that raises comes back
(after the backoff the logic chose) or, after `worker_max_receive_count` receives, goes to
the dead-letter queue; the others are deleted.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from identity_images.adapters import aws
from identity_images.handlers import init_phase
from identity_images.handlers.batch import process_sqs_batch
from identity_images.handlers.observability import load_tracing, logger, metrics, tracer
from identity_images.logic.worker import Outcome, RetryLater, Worker, build_worker
from identity_images.models.jobs import JobMessage
from identity_images.settings import WORKER_CLIENTS, WORKER_RESOURCES, get_settings


@cache
def get_worker() -> Worker:
    """Built once per Lambda container (clients and the Gemini SDK are reused)."""
    return build_worker(get_settings().require(WORKER_RESOURCES))


def build_clients() -> None:
    """The settings and the AWS clients, for Lambda's init. The rest of the worker waits
    for the first job: its Gemini client takes the API key, a Secrets Manager read, when
    it is made."""
    aws.build_clients(get_settings(), WORKER_CLIENTS)


#: What the worker ended `worker_gave_up`: counted in `JobsGaveUp`, as the reaper counts its own.
GAVE_UP = frozenset({Outcome.GAVE_UP, Outcome.APPLY_GAVE_UP})


@tracer.capture_method
def record_handler(record: SQSRecord) -> None:
    message = JobMessage.model_validate_json(record.body)  # a bad body fails -> DLQ
    receive_count = int(record.attributes.approximate_receive_count or "1")
    logger.append_keys(job_id=message.job_id, action=message.action)
    worker = get_worker()
    try:
        outcomes = worker.handle(message, receive_count=receive_count)
    except RetryLater as retry:
        worker.queue.retry_after(record.receipt_handle, retry.delay_s)
        metrics.add_metric(name="JobRetries", unit=MetricUnit.Count, value=1)
        logger.warning(
            "message will come back",
            extra={"delay_s": retry.delay_s, "code": retry.error.code.value},
        )
        raise
    finally:
        logger.remove_keys(["job_id", "action"])
    for outcome in outcomes:
        metrics.add_metric(name=f"Jobs_{outcome.value}", unit=MetricUnit.Count, value=1)
        if outcome in GAVE_UP:  # the same alarm as the reaper's give-ups
            metrics.add_metric(name="JobsGaveUp", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    get_worker()  # built on the first invocation: a missing setting fails it here
    return process_sqs_batch(event, record_handler, context)


init_phase.prepare(load_tracing, build_clients, logger=logger)
