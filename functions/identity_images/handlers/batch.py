"""The batch processing of the SQS handlers (worker, trigger)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from identity_images.handlers.observability import logger


class LoggedBatchProcessor(BatchProcessor):
    """Powertools' `BatchProcessor` that says why a record failed: its message id, the
    error type and message, with the traceback. A record that ends in a dead-letter queue
    (a malformed message, a fault) always has a log line saying why."""

    def failure_handler(self, record: Any, exception: Any) -> Any:
        kind, error = exception[0], exception[1]
        logger.warning(
            "record failed; it comes back or goes to the dead-letter queue",
            extra={
                "message_id": getattr(record, "message_id", None),
                "error_type": getattr(kind, "__name__", str(kind)),
                "reason": str(error)[:1000],
            },
            exc_info=exception,
        )
        return super().failure_handler(record, exception)


def process_sqs_batch(
    event: dict[str, Any], record_handler: Callable[[SQSRecord], Any], context: LambdaContext
) -> dict[str, Any]:
    """Each record through `record_handler`; the answer lists the records that raised
    (`batchItemFailures`), every one of them, even when all failed: each carries its own
    fate (a backoff set on the message, the dead-letter queue), which failing the whole
    batch would not change but would obscure.

    A processor per invocation: it holds the invocation's records and their successes
    and failures, and invocations can run side by side in one process (the local
    stack's pollers call the handler from threads), where a shared one would report
    another invocation's records."""
    processor = LoggedBatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return dict(response)
