"""The batch processor of the SQS handlers (worker, trigger)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor

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
