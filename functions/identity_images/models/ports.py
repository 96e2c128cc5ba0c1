"""The pipeline's own outside systems, as the logic sees them: the jobs table, the jobs
queue (and its dead-letter queue), the bucket, the regeneration state and the
`Idempotency-Key` records.

The logic depends on these protocols only (as it does on `domain.HostDirectory` and
`domain.ImageCallback` for the Django host); `identity_images.adapters` implements them
over DynamoDB, SQS, S3 and Powertools Idempotency, and the unit tests use in-memory
fakes (`tests/unit/fakes.py`).
The small value types the ports answer with live here too, so the logic never imports an
adapter. Pure Python: no boto3.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal, Protocol, get_args

from identity_images.models.jobs import (
    Job,
    JobError,
    JobMessage,
    JobOutput,
    JobUsage,
    PreparedReferenceInfo,
    StageTimings,
)

#: The longest a queued message can be delayed (SQS's ceiling for DelaySeconds).
MAX_DELAY_S = 900


# --- the jobs table ---------------------------------------------------------------------
@dataclass(frozen=True)
class JobPage:
    jobs: list[Job]
    next_cursor: str | None


class JobStore(Protocol):
    """The jobs, one record each. Every state change is conditional: a method that moves
    a job answers the job as written, or None when the job was not in the state it needs
    (someone else moved it first). `require` raises `generation_not_found`. How long a
    try (of a job or of an apply) may run before it is thought dead, the lease, is the
    store's own (`JOB_LEASE_S`): every write that starts or waits for one sets it."""

    # reads
    def get(self, job_id: str) -> Job | None: ...
    def require(self, job_id: str) -> Job: ...
    def list_for_identity(
        self, identity_id: str, *, limit: int, cursor: str | None = None, saved: bool = False
    ) -> JobPage:
        """Newest first. `saved`: only the jobs whose image was saved at least once (a page
        may then hold fewer than `limit` and still have a next one)."""
        ...

    def due_in_flight(self, *, before: int, limit: int = 100) -> list[str]: ...
    def outputs(self, job_ids: Collection[str]) -> dict[str, JobOutput]:
        """The stored output of each of these jobs that has one (a job missing, expired or
        without an output is left out), read in batches, not one read per job."""
        ...

    # creating and canceling
    def create(self, job: Job) -> None: ...
    def create_many(self, jobs: list[Job]) -> None: ...
    def create_once(self, job: Job) -> bool: ...
    def cancel(self, job: Job) -> Job | None: ...

    # a run of a job
    def claim(self, job_id: str, *, now: datetime | None = None) -> Job | None: ...
    def set_reference_keys(self, job: Job, keys: list[str]) -> Job | None: ...
    def set_stage(self, job: Job, stage: str, *, now: datetime | None = None) -> Job | None: ...
    def requeue(
        self,
        job: Job,
        *,
        retry_in_s: int = 0,
        error: JobError | None = None,
        next_attempt_at: datetime | None = None,
        usage: JobUsage | None = None,
    ) -> Job | None: ...
    def requeue_lapsed(
        self, job: Job, *, now: datetime | None = None, lapsed_before: int | None = None
    ) -> Job | None: ...
    def reopen(self, job: Job) -> Job | None: ...
    def succeed(
        self,
        job: Job,
        *,
        output: JobOutput,
        usage: JobUsage | None,
        model: str | None,
        timings: StageTimings | None = None,
        prepared_references: list[PreparedReferenceInfo] | None = None,
        now: datetime | None = None,
        apply_queued: bool = False,
    ) -> Job | None: ...
    def fail(
        self,
        job: Job,
        error: JobError,
        *,
        timings: StageTimings | None = None,
        usage: JobUsage | None = None,
    ) -> Job | None: ...
    def untrack(self, job: Job) -> None: ...

    # applying a succeeded job's image
    def request_apply(self, job_id: str, *, asked_at: datetime | None = None) -> Job | None: ...
    def renew_apply(
        self, job: Job, *, now: datetime | None = None, lapsed_before: int | None = None
    ) -> Job | None: ...
    def set_applying(self, job: Job) -> Job | None: ...
    def hold_apply(self, job: Job, *, retry_in_s: int) -> Job | None: ...
    def finish_apply(
        self,
        job: Job,
        *,
        error: JobError | None,
        superseded: bool = False,
        applying_s: float | None = None,
    ) -> Job | None: ...


# --- the jobs queue ---------------------------------------------------------------------
@dataclass(frozen=True)
class QueuedMessage:
    """A message as received: its body and what the queue says about it."""

    message_id: str
    receipt_handle: str
    body: str
    receive_count: int
    sent_at: datetime | None

    def job_message(self) -> JobMessage | None:
        """The body as a `JobMessage`; None if it is not one."""
        try:
            return JobMessage.model_validate_json(self.body)
        except ValueError:
            return None


class JobQueue(Protocol):
    """One message per job action. `send`/`send_many` raise `queue_unavailable`
    (retryable) when the queue does not take them. The dead-letter queue is read without
    taking anything out of it: `peek`, then `release` (or `delete`)."""

    def send(self, message: JobMessage, *, delay_s: int = 0) -> str: ...
    def send_many(self, messages: list[JobMessage]) -> None: ...
    def retry_after(self, receipt_handle: str, delay_s: int) -> None: ...
    def peek(self, *, limit: int = 100) -> list[QueuedMessage]: ...
    def release(self, messages: list[QueuedMessage]) -> None: ...
    def delete(self, message: QueuedMessage) -> None: ...


# --- the bucket ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ObjectInfo:
    """What `head` says of an object; `metadata` is what its writer set (S3's user
    metadata, `x-amz-meta-*`, keys in lower case)."""

    key: str
    size: int
    content_type: str
    last_modified: datetime | None = None
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ListedObject:
    """One entry of a listing (no content type)."""

    key: str
    size: int
    last_modified: datetime


@dataclass(frozen=True)
class PresignedPost:
    url: str
    fields: dict[str, str]


class ObjectStore(Protocol):
    """The bucket. Which key holds what is `bucket_layout`'s business. `read` raises
    `reference_not_found` for a missing (or unreadable) object and `reference_invalid`
    for one larger than `max_bytes`. `head` answers None for a missing object; one it
    may not read (403) is an error unless `denied_is_missing` (the API's reference
    checks)."""

    def presigned_post(
        self, key: str, *, content_type: str, max_bytes: int, expires_in: int
    ) -> PresignedPost: ...
    def head(self, key: str, *, denied_is_missing: bool = False) -> ObjectInfo | None: ...
    def list(self, prefix: str) -> list[ListedObject]: ...
    def delete(self, key: str) -> None: ...
    def read(self, key: str, *, max_bytes: int) -> bytes: ...
    def write(
        self, key: str, data: bytes, *, content_type: str, metadata: dict[str, str]
    ) -> None: ...
    def presigned_get(
        self, key: str, *, expires_in: int, content_disposition: str | None = None
    ) -> str: ...


# --- regeneration state -----------------------------------------------------------------
def regeneration_job_id(identity_id: str, nonce: str, generation: int) -> str:
    """Deterministic: a redelivered trigger message computes the same id again. The nonce
    (made with the state item) keeps ids unique if the state is ever lost and restarts."""
    digest = hashlib.sha256(f"{identity_id}:{nonce}:{generation}".encode()).hexdigest()
    return f"regen-{digest[:32]}"


@dataclass(frozen=True)
class RegenerationState:
    identity_id: str
    nonce: str
    generation: int  # regeneration jobs started for this identity so far
    current_job_id: str | None
    message_sent: bool

    @classmethod
    def initial(cls, identity_id: str) -> RegenerationState:
        """Before the first job: generation 0, no job."""
        return cls(identity_id, uuid.uuid4().hex, 0, None, False)

    def next(self) -> RegenerationState:
        """The state that starts the next job (its message not sent yet)."""
        generation = self.generation + 1
        job_id = regeneration_job_id(self.identity_id, self.nonce, generation)
        return replace(self, generation=generation, current_job_id=job_id, message_sent=False)


class RegenerationStates(Protocol):
    """Each identity's current regeneration job. `advance` writes `new` only while the
    stored state is still `previous` (None: none yet) and says whether it did."""

    def get(self, identity_id: str) -> RegenerationState | None: ...
    def advance(self, new: RegenerationState, *, previous: RegenerationState | None) -> bool: ...
    def mark_sent(self, state: RegenerationState) -> None: ...


# --- Idempotency-Key records ------------------------------------------------------------
#: The creating operations an `Idempotency-Key` covers; each keeps its own records.
IdempotencyOperation = Literal[
    "create_generation", "create_variants", "refine_generation", "rerun_generation"
]
IDEMPOTENCY_OPERATIONS: tuple[IdempotencyOperation, ...] = get_args(IdempotencyOperation)
#: What an operation answers, and what a repeat gets back: plain JSON values.
IdempotencyAnswer = dict[str, Any]


class Idempotency(Protocol):
    """Runs a creating request once per (`operation`, `key`), the key naming the caller
    and their `Idempotency-Key`. Raises `PipelineError`: `idempotency_conflict` for the
    same key with another `body`, `conflict` (retryable) while the first run still runs."""

    def once(
        self,
        operation: IdempotencyOperation,
        run: Callable[[], IdempotencyAnswer],
        *,
        key: str,
        body: dict[str, Any],
    ) -> IdempotencyAnswer:
        """`run()` the first time; a repeat with the same `body` gets its answer again."""
        ...
