"""Stable error codes and the one exception type the pipeline raises.

Every failure a user can see carries a code from `ErrorCode`. The code is part of the
public contract (API responses, job records, CLI output): never rename one.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

logger = logging.getLogger(__name__)


class ErrorCode(StrEnum):
    # Input
    VALIDATION_ERROR = "validation_error"
    REFERENCE_INVALID = "reference_invalid"
    REFERENCE_NOT_FOUND = "reference_not_found"
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"
    #: More images than the model takes in one request (a refine of a job with the most).
    TOO_MANY_IMAGES = "too_many_images"
    #: The image size is one the configured model does not make (2K or 4K of a 1K model).
    IMAGE_SIZE_UNSUPPORTED = "image_size_unsupported"
    #: The identity's name is blank: the prompt has nothing to name.
    IDENTITY_UNNAMED = "identity_unnamed"
    #: Free text (a prompt, an instruction, a file name) holds a character that could hide
    #: or disguise what it says (`identity_images.text`): a control character, a
    #: zero-width or bidi control, a tag character. `details`: `field`, `character`
    #: (`U+200B`), `position` (from 0, in characters).
    CHARACTER_NOT_ALLOWED = "character_not_allowed"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    #: A method the path does not take (PUT on a GET route, HEAD); the answer's `Allow`
    #: names those it does (the Django host answers its own URLs with the same code).
    METHOD_NOT_ALLOWED = "method_not_allowed"
    PAYLOAD_TOO_LARGE = "payload_too_large"  # API Gateway's 413: a body over its 10 MB
    # Access
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    THROTTLED = "throttled"  # API Gateway's stage throttling (429)
    # Things that are not there
    NOT_FOUND = "not_found"
    GENERATION_NOT_FOUND = "generation_not_found"
    IDENTITY_NOT_FOUND = "identity_not_found"
    USER_NOT_FOUND = "user_not_found"
    # State
    GENERATION_NOT_READY = "generation_not_ready"  # not succeeded (apply, refine)
    GENERATION_NOT_FINISHED = "generation_not_finished"  # queued or running (re-run)
    GENERATION_RUNNING = "generation_running"  # cancel of a running job
    GENERATION_FINISHED = "generation_finished"  # cancel of a succeeded or failed job
    CONFLICT = "conflict"
    SUPERSEDED = "superseded"
    # Gemini
    CONTENT_BLOCKED = "content_blocked"
    NO_IMAGE = "no_image"
    PROVIDER_UNAVAILABLE = "provider_unavailable"
    PROVIDER_REJECTED = "provider_rejected"
    PROVIDER_NOT_CONFIGURED = "provider_not_configured"
    # The host app
    HOST_UNAVAILABLE = "host_unavailable"
    HOST_REJECTED = "host_rejected"
    # Our own queue and worker
    QUEUE_UNAVAILABLE = "queue_unavailable"
    #: The worker never finished the job (killed on its last try, or its message lost):
    #: the message sits in the dead-letter queue, or no message will bring the job back.
    WORKER_GAVE_UP = "worker_gave_up"
    # Anything else
    INTERNAL_ERROR = "internal_error"


class PipelineError(Exception):
    """A failure with a stable code, a human message and optional details.

    `retryable` says whether doing the same thing again later may succeed (a 503 from
    Gemini) or not (a blocked prompt, a broken photo).
    """

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        retryable: bool = False,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retryable = retryable
        self.details = details or {}

    def __repr__(self) -> str:
        return f"PipelineError({self.code.value!r}, {self.message!r})"

    def as_dict(self) -> dict[str, Any]:
        """The public error shape: `{"code", "message", "details"}`."""
        return {"code": self.code.value, "message": self.message, "details": self.details}


def unexpected(fault: Exception, *, job_id: str, doing: str = "running a job") -> PipelineError:
    """A fault no part of the pipeline named: logged with its trace, retried as
    `internal_error`."""
    logger.exception(f"unexpected error {doing}", extra={"job_id": job_id})
    return PipelineError(
        ErrorCode.INTERNAL_ERROR, f"Unexpected error: {type(fault).__name__}.", retryable=True
    )
