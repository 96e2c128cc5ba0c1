"""`Idempotency-Key`: a creating request runs once per caller and key.

Powertools Idempotency, declared once per process: one configuration, and one idempotent
function per operation (its record keys are `{operation}#{hash of the key}`). A repeat
with the same body answers what the first run answered; another body under the same key
is 409 `idempotency_conflict`; a repeat while the first still runs is 409 `conflict`
(retryable). The key's length is the route's rule (its `Header` declaration).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer

from identity_images.errors import ErrorCode, PipelineError

#: The longest `Idempotency-Key` header the routes accept.
IDEMPOTENCY_KEY_MAX_CHARS = 128

Operation = Literal["create_generation", "create_variants", "refine_generation", "rerun_generation"]
OPERATIONS: tuple[Operation, ...] = (
    "create_generation",
    "create_variants",
    "refine_generation",
    "rerun_generation",
)
Answer = dict[str, Any]


def _run(data: Answer, run: Callable[[], Answer]) -> Answer:
    """What each idempotent function wraps: `data` is what Powertools hashes (`key`) and
    compares (`body`); `run` does the work the first time."""
    return run()


class Idempotency:
    """Build once per process (the API's dependency does) and reuse it."""

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
        self._functions: dict[Operation, Callable[..., Answer]] = {
            name: idempotent_function(
                data_keyword_argument="data",
                persistence_store=persistence(),
                config=self.config,
                key_prefix=name,
            )(_run)
            for name in OPERATIONS
        }

    def once(
        self,
        operation: Operation,
        run: Callable[[], Answer],
        *,
        key: str,
        body: dict[str, Any],
        lambda_context: Any = None,
    ) -> Answer:
        """`run()` once per (`operation`, `key`): a repeat with the same `body` returns the
        first answer; another body under the same key is `idempotency_conflict`."""
        if lambda_context is not None:  # lets Powertools expire a crashed in-progress record
            self.config.register_lambda_context(lambda_context)
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
