"""`Idempotency-Key` records (`models.ports.Idempotency`) over Powertools Idempotency.

Declared once per process: one configuration, and one idempotent function per operation
(its record keys are `{operation}#{hash of the key}`). A repeat with the same body answers
what the first run answered; another body under the same key is 409
`idempotency_conflict`; a repeat while the first still runs is 409 `conflict`
(retryable). Powertools expires a crashed run's in-progress record by the Lambda's
remaining time, so the API handler hands each invocation's context in
(`register_lambda_context`); the logic never sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer

from identity_images.errors import ErrorCode, PipelineError
from identity_images.models.ports import (
    IDEMPOTENCY_OPERATIONS,
    IdempotencyAnswer,
    IdempotencyOperation,
)


def _run(data: IdempotencyAnswer, run: Callable[[], IdempotencyAnswer]) -> IdempotencyAnswer:
    """What each idempotent function wraps: `data` is what Powertools hashes (`key`) and
    compares (`body`); `run` does the work the first time."""
    return run()


class PowertoolsIdempotency:
    """`models.ports.Idempotency`. Build once per process (the API's dependency does)."""

    def __init__(
        self, persistence: Callable[[], BasePersistenceLayer], *, expires_after_s: int
    ) -> None:
        self.config = IdempotencyConfig(
            event_key_jmespath="key",
            payload_validation_jmespath="body",
            raise_on_no_idempotency_key=True,
            expires_after_seconds=expires_after_s,
        )
        # One persistence layer per operation: Powertools keeps the key prefix on it.
        self._functions: dict[IdempotencyOperation, Callable[..., IdempotencyAnswer]] = {
            name: idempotent_function(
                data_keyword_argument="data",
                persistence_store=persistence(),
                config=self.config,
                key_prefix=name,
            )(_run)
            for name in IDEMPOTENCY_OPERATIONS
        }

    def register_lambda_context(self, lambda_context: Any) -> None:
        """This invocation's Lambda context: an in-progress record then expires with the
        invocation, so a run that crashed does not hold its key until the record's TTL."""
        if lambda_context is not None:
            self.config.register_lambda_context(lambda_context)

    def once(
        self,
        operation: IdempotencyOperation,
        run: Callable[[], IdempotencyAnswer],
        *,
        key: str,
        body: dict[str, Any],
    ) -> IdempotencyAnswer:
        """`run()` once per (`operation`, `key`): a repeat with the same `body` returns the
        first answer; another body under the same key is `idempotency_conflict`."""
        try:
            return self._functions[operation](data={"key": key, "body": body}, run=run)
        except IdempotencyValidationError as error:
            raise PipelineError(
                ErrorCode.IDEMPOTENCY_CONFLICT,
                "This Idempotency-Key was used with another request body.",
                details={"field": "Idempotency-Key"},
            ) from error
        except IdempotencyAlreadyInProgressError as error:
            raise PipelineError(
                ErrorCode.CONFLICT,
                "A request with this Idempotency-Key is still being handled; retry shortly.",
                retryable=True,
                details={"field": "Idempotency-Key"},
            ) from error
