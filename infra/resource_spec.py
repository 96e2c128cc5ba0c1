"""The one definition of every setting the CDK app and the local stack share.

The CDK constructs (`infra/*.py`) and the local stack (`local_stack/aws_resources.py`,
`local_resources.py`, `stack.py`) both read these values; neither states one itself.
`tests/infra/test_local_stack_is_the_cdk_app.py` synthesizes the template and compares
every setting the two share with the resources the local stack creates, so they cannot
drift apart again.

Plain Python (no CDK import), so the local stack can import it without jsii.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from identity_images.bucket_layout import BucketLayout

# --- limits of AWS -----------------------------------------------------------------------
#: Lambda's hard limit on a function's timeout.
LAMBDA_MAX_TIMEOUT_S = 900
#: AWS's advice for an SQS event source: visibility timeout at least 6x the function timeout.
VISIBILITY_FACTOR = 6
#: What a function's own retries must leave unused of its timeout.
TIMEOUT_MARGIN_S = 3

# --- the bucket ----------------------------------------------------------------------------
#: Days a browser upload under `uploads/` is kept (CDK context `uploadExpiryDays`).
UPLOAD_EXPIRY_DAYS = 2
BUCKET_VERSIONED = True
#: Old versions of overwritten or deleted uploads are kept this long.
UPLOADS_NONCURRENT_DAYS = 1
#: Old versions of everything else are kept this long.
NONCURRENT_VERSION_DAYS = 30
ABORT_INCOMPLETE_MULTIPART_DAYS = 1
CORS_METHODS = ("GET", "HEAD", "POST")
CORS_ALLOWED_HEADERS = ("*",)
CORS_EXPOSED_HEADERS = ("ETag",)
CORS_MAX_AGE_S = 3600
#: Days job records live (DynamoDB TTL; CDK context `jobTtlDays`).
JOB_TTL_DAYS = 90
#: Days a job's prepared references outlive its record's TTL (DynamoDB deletes expired
#: items within about two days), so a job never names files that are gone.
PREPARED_GRACE_DAYS = 3


def lifecycle_rules(
    upload_expiry_days: int = UPLOAD_EXPIRY_DAYS,
    uploads_prefix: str = BucketLayout().uploads,
    *,
    job_ttl_days: int = JOB_TTL_DAYS,
    prepared_prefix: str = BucketLayout().prepared,
) -> list[dict[str, Any]]:
    """The bucket's lifecycle, in S3's own `PutBucketLifecycleConfiguration` shape
    (`uploads_prefix`, `prepared_prefix`: the layout's, under its root prefix)."""
    return [
        {
            "ID": "expire-uploads",
            "Filter": {"Prefix": uploads_prefix},
            "Status": "Enabled",
            "Expiration": {"Days": upload_expiry_days},
            "NoncurrentVersionExpiration": {"NoncurrentDays": UPLOADS_NONCURRENT_DAYS},
        },
        {
            "ID": "expire-prepared-references",
            "Filter": {"Prefix": prepared_prefix},
            "Status": "Enabled",
            "Expiration": {"Days": job_ttl_days + PREPARED_GRACE_DAYS},
            "NoncurrentVersionExpiration": {"NoncurrentDays": UPLOADS_NONCURRENT_DAYS},
        },
        {
            "ID": "keep-old-versions-30-days",
            "Filter": {"Prefix": ""},
            "Status": "Enabled",
            "NoncurrentVersionExpiration": {"NoncurrentDays": NONCURRENT_VERSION_DAYS},
            "AbortIncompleteMultipartUpload": {
                "DaysAfterInitiation": ABORT_INCOMPLETE_MULTIPART_DAYS
            },
            "Expiration": {"ExpiredObjectDeleteMarker": True},
        },
    ]


# --- queues --------------------------------------------------------------------------------
QUEUE_RETENTION_DAYS = 4
DEAD_LETTER_RETENTION_DAYS = 14


# --- functions -----------------------------------------------------------------------------
@dataclass(frozen=True)
class FunctionSpec:
    """A function's timeout, memory and the settings that keep its retries inside it."""

    timeout_s: int
    memory_mb: int
    environment: MappingProxyType[str, str] = field(default_factory=lambda: MappingProxyType({}))


def _env(**values: str) -> MappingProxyType[str, str]:
    return MappingProxyType(dict(values))


#: API Gateway gives up at 29 s. A hung Django: 3 reads of 6 s, pauses of at most 2 s
#: (22 s), then 503 `host_unavailable`, inside 28 s.
API = FunctionSpec(
    timeout_s=28,
    memory_mb=512,
    environment=_env(DJANGO_TIMEOUT_S="6", DJANGO_READ_ATTEMPTS="3", DJANGO_RETRY_MAX_DELAY_S="2"),
)
#: Introspection asks Django once, for 5 s, inside 10 s.
AUTHORIZER = FunctionSpec(timeout_s=10, memory_mb=512, environment=_env(DJANGO_TIMEOUT_S="5"))
#: A batch of 10 records, each reading Django twice at most (2 tries of 5 s, 1 s pause).
TRIGGER = FunctionSpec(
    timeout_s=240,
    memory_mb=256,
    environment=_env(DJANGO_TIMEOUT_S="5", DJANGO_READ_ATTEMPTS="2", DJANGO_RETRY_MAX_DELAY_S="1"),
)
TRIGGER_BATCH_SIZE = 10
TRIGGER_BATCHING_WINDOW_S = 5
TRIGGER_MAX_RECEIVE_COUNT = 5

#: Enough for Pillow on a few photos; a cold start at this size stays short.
WORKER_MEMORY_MB = 448
WORKER_BATCH_SIZE = 1
#: Gemini's own defaults (CDK context `geminiTimeoutS`, `geminiRetryAttempts`).
GEMINI_TIMEOUT_S = 180
GEMINI_RETRY_ATTEMPTS = 3
#: What the worker needs beyond its retried calls: S3 reads and writes, preparing photos.
WORKER_MARGIN_S = 60
#: A job whose lease is older than the worker's timeout plus this is picked up again.
LEASE_MARGIN_S = 60
WORKER_MAX_RECEIVE_COUNT = 5
#: The reaper (CDK context `reaperIntervalMinutes`, `reaperGraceMinutes`): how often it
#: runs, and how long after its lease (`JOB_LEASE_S`) a job in flight is thought lost.
REAPER_INTERVAL_MINUTES = 10
REAPER_GRACE_MINUTES = 15


def _retry_environment(gemini_timeout_s: int, gemini_retry_attempts: int) -> dict[str, str]:
    """The worker's settings its timeout is derived from: Gemini, Django reads, callback."""
    return {
        "GEMINI_TIMEOUT_S": str(gemini_timeout_s),
        "GEMINI_RETRY_ATTEMPTS": str(gemini_retry_attempts),
        "GEMINI_RETRY_MAX_DELAY_S": "30",
        "DJANGO_TIMEOUT_S": "10",
        "DJANGO_READ_ATTEMPTS": "3",
        "DJANGO_RETRY_MAX_DELAY_S": "5",
        "CALLBACK_MAX_ATTEMPTS": "5",
        "CALLBACK_RETRY_MAX_DELAY_S": "8",
    }


def _worst(env: dict[str, str], attempts: str, timeout: str, delay: str) -> float:
    tries = int(env[attempts])
    return tries * float(env[timeout]) + (tries - 1) * float(env[delay])


def worker_needs_s(gemini_timeout_s: int, gemini_retry_attempts: int) -> int:
    """The worker's worst case: a Django read, every Gemini try, the callback, the margin
    (the sums `identity_images.budgets` makes from the same settings)."""
    env = _retry_environment(gemini_timeout_s, gemini_retry_attempts)
    gemini = _worst(env, "GEMINI_RETRY_ATTEMPTS", "GEMINI_TIMEOUT_S", "GEMINI_RETRY_MAX_DELAY_S")
    read = _worst(env, "DJANGO_READ_ATTEMPTS", "DJANGO_TIMEOUT_S", "DJANGO_RETRY_MAX_DELAY_S")
    callback = _worst(
        env, "CALLBACK_MAX_ATTEMPTS", "DJANGO_TIMEOUT_S", "CALLBACK_RETRY_MAX_DELAY_S"
    )
    return int(gemini + read + callback) + WORKER_MARGIN_S + TIMEOUT_MARGIN_S


def worker(
    gemini_timeout_s: int = GEMINI_TIMEOUT_S,
    gemini_retry_attempts: int = GEMINI_RETRY_ATTEMPTS,
    memory_mb: int = WORKER_MEMORY_MB,
) -> FunctionSpec:
    """The worker: a timeout that fits its worst case (`InfraConfig` refuses Gemini
    settings for which it would pass Lambda's 900 s), and a job lease a little longer."""
    timeout = min(worker_needs_s(gemini_timeout_s, gemini_retry_attempts), LAMBDA_MAX_TIMEOUT_S)
    env = _retry_environment(gemini_timeout_s, gemini_retry_attempts)
    env["JOB_LEASE_S"] = str(timeout + LEASE_MARGIN_S)
    return FunctionSpec(timeout_s=timeout, memory_mb=memory_mb, environment=MappingProxyType(env))


#: The reaper: a Query of the `in_flight` index and a look at the dead letters per run.
REAPER = FunctionSpec(timeout_s=60, memory_mb=256)


def visibility_timeout_s(function_timeout_s: int) -> int:
    return function_timeout_s * VISIBILITY_FACTOR


# --- the public API ------------------------------------------------------------------------
API_RATE_LIMIT = 20.0
API_BURST_LIMIT = 40
CORS_API_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key")
CORS_API_METHODS = ("GET", "POST", "DELETE", "OPTIONS")
CORS_API_MAX_AGE_S = 3600
AUTHORIZER_CACHE_S = 300
#: API Gateway's own answers, in the pipeline's one error shape: response type ->
#: (status, or None for the gateway's own, `ErrorCode` value).
GATEWAY_RESPONSES: dict[str, tuple[int | None, str]] = {
    "UNAUTHORIZED": (None, "unauthorized"),
    "ACCESS_DENIED": (None, "forbidden"),
    # An unknown path outside /v1 is "Missing Authentication Token" (403): it is a 404.
    "MISSING_AUTHENTICATION_TOKEN": (404, "not_found"),
    # A throttled request (429) is no validation error, nor is a body over the limit (413).
    "THROTTLED": (None, "throttled"),
    "REQUEST_TOO_LARGE": (None, "payload_too_large"),
    "DEFAULT_4XX": (None, "validation_error"),
    "DEFAULT_5XX": (None, "internal_error"),
}
