"""The generation job: its record (DynamoDB), its public shape (the API) and its message (SQS).

One model serves the table and the API, so the two cannot drift apart. Timestamps are
timezone-aware UTC and always serialise with microseconds (`2026-01-02T03:04:05.000000Z`),
so the `created_at` strings sort in time order in the `by_identity` index.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer

from identity_images.errors import PipelineError
from identity_images.settings import AspectRatio, ImageSize

JobStatus = Literal["queued", "running", "succeeded", "failed", "canceled"]
ApplyStatus = Literal["not_requested", "pending", "applied", "failed", "superseded"]
JobSource = Literal["api", "s3_event"]
JobAction = Literal["generate", "apply"]
#: How a job came to be: a fresh request, a refine of a parent's output, a re-run.
JobKind = Literal["generate", "refine", "rerun"]
#: What a running job is doing; `applying` is a succeeded job whose apply is being sent.
JobStage = Literal["preparing_references", "generating", "storing", "applying"]

TERMINAL_STATUSES: frozenset[str] = frozenset({"succeeded", "failed", "canceled"})
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
#: A job waiting to be tried again may be claimed this early (seconds) before its
#: `next_attempt_at`: SQS's clock and the function's may differ a little, and the retry's
#: own message turned away for coming a moment early would only be deferred again.
RETRY_CLOCK_SLACK_S = 1


def latest_retry_claimable(now: datetime) -> datetime:
    """The latest `next_attempt_at` a claim at `now` takes (`RETRY_CLOCK_SLACK_S` early):
    the claim rule of `Job.due_for_claim`, which the jobs table's conditional claim
    writes as `next_attempt_at <= latest_retry_claimable(now)`."""
    return now + timedelta(seconds=RETRY_CLOCK_SLACK_S)


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def format_timestamp(value: datetime) -> str:
    """The one string form of a timestamp: UTC, microseconds, `Z`; sorts in time order."""
    return _as_utc(value).strftime(TIMESTAMP_FORMAT)


UtcDatetime = Annotated[
    datetime,
    AfterValidator(_as_utc),
    PlainSerializer(format_timestamp, return_type=str, when_used="json"),
]


def utc_now() -> datetime:
    return datetime.now(UTC)


#: For models the API answers with: in the OpenAPI schema every field is required (a
#: field with a default is always present in an answer), so typed clients need no `?`.
ANSWER = ConfigDict(
    json_schema_mode_override="serialization", json_schema_serialization_defaults_required=True
)


class Rendition(BaseModel):
    """A smaller copy of an image, stored beside it."""

    model_config = ANSWER

    key: str
    mime_type: str
    width: int = Field(ge=1)
    height: int = Field(ge=1)
    bytes: int = Field(ge=0)


class JobOutput(BaseModel):
    """The generated image in the bucket, and its renditions beside it."""

    model_config = ANSWER

    key: str = Field(description="S3 key: generated/identities/{identity_id}/{job_id}.{ext}.")
    mime_type: str
    width: int = Field(ge=1)
    height: int = Field(ge=1)
    bytes: int = Field(ge=0)
    filename: str | None = Field(
        default=None,
        description="The name a person would keep: identity name, date and time, extension.",
    )
    small: Rendition | None = Field(
        default=None,
        description="A rendition for thumbnails (long side <= `SMALL_MAX_LONG_SIDE`, the "
        "preview's format), `generated/identities/{identity_id}/{job_id}.small.{ext}`.",
    )
    preview: Rendition | None = Field(
        default=None,
        description="A rendition for a history and a result card (long side <= "
        "`PREVIEW_MAX_LONG_SIDE`, JPEG or WebP), "
        "`generated/identities/{identity_id}/{job_id}.preview.{ext}`.",
    )
    large: Rendition | None = Field(
        default=None,
        description="A rendition for a screen (long side <= `LARGE_MAX_LONG_SIDE`, the "
        "preview's format), `generated/identities/{identity_id}/{job_id}.large.{ext}`.",
    )
    url: str | None = Field(
        default=None,
        description="Short-lived URL of the full image, shown inline (API answers only).",
    )
    preview_url: str | None = Field(
        default=None,
        description="Short-lived URL of the preview (API answers only); null when the job "
        "has none (it could not be made or stored, or the job predates previews): show "
        "`url` instead.",
    )
    small_url: str | None = Field(
        default=None,
        description="Short-lived URL of the small rendition (API answers only); null when "
        "the job has none (it could not be made or stored, or the job predates them): "
        "show `preview_url` or `url`.",
    )
    large_url: str | None = Field(
        default=None,
        description="Short-lived URL of the large rendition (API answers only); null when "
        "the job has none (it could not be made or stored, or the job predates them): "
        "show `preview_url` or `url`.",
    )
    download_url: str | None = Field(
        default=None,
        description="Short-lived URL that answers with `Content-Disposition: attachment` "
        "and `filename` (API answers only).",
    )


#: Fields of `JobOutput` that exist only in API answers, never in the table.
OUTPUT_URL_FIELDS: frozenset[str] = frozenset(
    {"url", "small_url", "preview_url", "large_url", "download_url"}
)


class PreparedReferenceInfo(BaseModel):
    """A reference as it was sent to Gemini (a small JPEG), kept under the job's durable
    prefix `prepared/identities/{identity_id}/{job_id}/{index}.jpg`, so re-run and refine
    work after `uploads/` expired."""

    model_config = ANSWER

    index: int = Field(ge=0, description="Position in the job's `reference_keys`.")
    key: str = Field(description="S3 key of the prepared JPEG.")
    source_key: str = Field(description="The reference it was prepared from.")
    mime_type: str = "image/jpeg"
    width: int = Field(ge=1)
    height: int = Field(ge=1)
    bytes: int = Field(ge=0)
    preview_url: str | None = Field(
        default=None, description="Short-lived URL of the prepared JPEG (API answers only)."
    )


class StageTimings(BaseModel):
    """Seconds spent in each stage of a finished job (null: the stage was not reached)."""

    model_config = ANSWER

    queued_s: float | None = Field(
        default=None, ge=0, description="From creation to the first claim."
    )
    preparing_references_s: float | None = Field(default=None, ge=0)
    generating_s: float | None = Field(default=None, ge=0)
    storing_s: float | None = Field(default=None, ge=0)
    applying_s: float | None = Field(default=None, ge=0)
    total_s: float | None = Field(
        default=None, ge=0, description="From creation to the end of the run (not applying)."
    )


class JobUsage(BaseModel):
    """What the Gemini call used and about what it cost."""

    model_config = ANSWER

    prompt_tokens: int = 0
    output_tokens: int = 0
    thoughts_tokens: int = 0
    total_tokens: int = 0
    estimated_cost_usd: float | None = Field(
        default=0.0,
        description="At the list prices of the job's model; null when they are not known "
        "(a model not in `identity_images/prices.py`).",
    )

    def plus(self, other: JobUsage | None) -> JobUsage:
        """Two calls' usage together (a job's tries each billed); a cost not known for
        either is not known for both."""
        if other is None:
            return self
        cost = (
            None
            if self.estimated_cost_usd is None or other.estimated_cost_usd is None
            else round(self.estimated_cost_usd + other.estimated_cost_usd, 6)
        )
        return JobUsage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            thoughts_tokens=self.thoughts_tokens + other.thoughts_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
            estimated_cost_usd=cost,
        )


class BilledError(PipelineError):
    """A failure Gemini still billed: it answered (200, which Google bills) without an
    image, a refusal or text only. `usage` is what it was billed for (its tokens alone),
    recorded on the job it fails."""

    def __init__(self, error: PipelineError, usage: JobUsage) -> None:
        super().__init__(
            error.code, error.message, retryable=error.retryable, details=error.details
        )
        self.usage = usage


class JobError(BaseModel):
    """Why a job (or its apply) failed: a stable code, a human message and details
    (for a reference: its full `key` and its `index` in `reference_keys`)."""

    model_config = ANSWER

    code: str
    message: str
    details: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def of(cls, error: PipelineError) -> JobError:
        """What a job records of an error raised while it ran or was queued."""
        return cls(code=error.code.value, message=error.message, details=error.details)


class ApplyState(BaseModel):
    """Saving the output to the identity, through the signed callback to the host."""

    model_config = ANSWER

    status: ApplyStatus = "not_requested"
    attempt: int = Field(
        default=0, ge=0, description="Apply requests so far; part of the webhook id."
    )
    error: JobError | None = None
    applied_at: UtcDatetime | None = None
    requested_at: UtcDatetime | None = Field(
        default=None,
        description="When this apply was asked for (with the job, or by `POST …/apply`). "
        "The newest request wins: an older one that finishes later ends `superseded`.",
    )
    tries: int = Field(
        default=0,
        ge=0,
        exclude=True,
        description="Tries of this apply request so far, counted as each starts, across "
        "its messages (a reaper requeue, a redelivery); a new request starts again at 0. "
        "Kept in the table only (absent on older records: 0), not in API answers.",
    )
    queued_at: UtcDatetime | None = Field(
        default=None,
        exclude=True,
        description="When this request was last sent in a message of its own (`action: "
        "apply`): as `POST …/apply` asked for it or queued it again, or as the reaper queued "
        "it after recording the job's output or finding its message lost. Table only.",
    )

    @property
    def carried_since(self) -> datetime | None:
        """When the message that now carries this request was sent, at the earliest: the
        last time it was queued on its own, else its request (an apply asked with the job
        rides the job's own message). A dead letter sent before then carried an older
        message, and says nothing of this one."""
        return self.queued_at or self.requested_at


class Job(BaseModel):
    """A generation job, as stored and as the API answers it."""

    model_config = ConfigDict(**ANSWER, extra="ignore")

    id: str
    status: JobStatus = "queued"
    source: JobSource = "api"
    kind: JobKind = Field(default="generate", description="generate, refine or rerun.")
    identity_id: str
    identity_name: str | None = Field(
        default=None, description="The identity's name when the job was created."
    )
    user_id: str = Field(description="The user whose identity the image is for.")
    created_by: str = Field(description="The admin (or `system`) who started the job.")
    reference_keys: list[str]
    reference_names: list[str] = Field(
        default_factory=list,
        description="The photos' file names as the admin gave them, in the order of "
        "`reference_keys` (empty when none were given).",
    )
    reference_bytes: list[int] = Field(
        default_factory=list,
        description="Each photo's size in bytes as the admin added it, in the order of "
        "`reference_keys`: an upload's own; for a photo an earlier generation kept, the "
        "size that generation recorded for it, not its kept copy's (the copy is a JPEG the "
        "worker made, of another size). Empty for a folder's photos and for a job from "
        "before it was recorded.",
    )
    prompt: str = ""
    aspect_ratio: AspectRatio
    image_size: ImageSize
    model: str | None = None
    batch_id: str | None = Field(
        default=None, description="Jobs created by one request (variants) share it."
    )
    batch_index: int | None = Field(default=None, ge=0, description="Position in its batch.")
    batch_size: int | None = Field(default=None, ge=1, description="Jobs in its batch.")
    parent_generation_id: str | None = Field(
        default=None, description="The generation this one refines or re-runs."
    )
    instruction: str | None = Field(
        default=None, description='A refine\'s instruction ("make the background darker").'
    )
    edit_source_key: str | None = Field(
        default=None,
        description="A refine's image to edit: the parent's output key.",
    )
    stage: JobStage | None = Field(
        default=None, description="What a running job is doing now; null otherwise."
    )
    stage_started_at: UtcDatetime | None = None
    timings: StageTimings = Field(default_factory=StageTimings)
    attempts: int = Field(default=0, ge=0, description="Times a worker claimed the job.")
    max_attempts: int = Field(
        default=5, ge=1, description="Tries before a retryable fault fails the job."
    )
    last_error: JobError | None = Field(
        default=None,
        description="The last retryable fault; with `next_attempt_at` while the job waits "
        "to be tried again (status `queued`).",
    )
    next_attempt_at: UtcDatetime | None = Field(
        default=None, description="When a job waiting to retry is tried again."
    )
    prepared_references: list[PreparedReferenceInfo] = Field(
        default_factory=list, description="The references as sent to Gemini, kept for re-runs."
    )
    output: JobOutput | None = None
    usage: JobUsage | None = None
    error: JobError | None = None
    apply: ApplyState = Field(default_factory=ApplyState)
    created_at: UtcDatetime
    updated_at: UtcDatetime
    started_at: UtcDatetime | None = None
    finished_at: UtcDatetime | None = None
    canceled_at: UtcDatetime | None = None
    lease_expires_at: int | None = Field(
        default=None,
        exclude=True,
        description="While a try runs (of the job, or of its apply): epoch seconds after "
        "which another delivery may take it over.",
    )
    due_at: int | None = Field(
        default=None,
        exclude=True,
        description="While something is in flight (the queued message, the running worker, "
        "the pending apply): epoch seconds by which it should have acted. The pending "
        "apply's lease; the reaper looks at jobs well past it (`in_flight` index).",
    )

    @classmethod
    def new(
        cls,
        *,
        identity_id: str,
        user_id: str,
        created_by: str,
        reference_keys: list[str],
        prompt: str,
        aspect_ratio: AspectRatio,
        image_size: ImageSize,
        apply: bool,
        reference_names: list[str] | None = None,
        reference_bytes: list[int] | None = None,
        source: JobSource = "api",
        model: str | None = None,
        now: datetime | None = None,
        kind: JobKind = "generate",
        identity_name: str | None = None,
        max_attempts: int = 5,
        batch_id: str | None = None,
        batch_index: int | None = None,
        batch_size: int | None = None,
        parent_generation_id: str | None = None,
        instruction: str | None = None,
        edit_source_key: str | None = None,
    ) -> Job:
        """A queued job with a fresh id; `apply=True` asks for the callback after success."""
        now = now or utc_now()
        return cls(
            id=uuid.uuid4().hex,
            source=source,
            kind=kind,
            identity_id=identity_id,
            identity_name=identity_name,
            max_attempts=max_attempts,
            batch_id=batch_id,
            batch_index=batch_index,
            batch_size=batch_size,
            parent_generation_id=parent_generation_id,
            instruction=instruction,
            edit_source_key=edit_source_key,
            user_id=user_id,
            created_by=created_by,
            reference_keys=reference_keys,
            reference_names=reference_names or [],
            reference_bytes=reference_bytes or [],
            prompt=prompt,
            aspect_ratio=aspect_ratio,
            image_size=image_size,
            model=model,
            apply=(
                ApplyState(status="pending", attempt=1, requested_at=now) if apply else ApplyState()
            ),
            created_at=now,
            updated_at=now,
        )

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES

    @property
    def apply_in_flight(self) -> bool:
        """An apply that waits for a message (the job succeeded, the apply is pending)."""
        return self.status == "succeeded" and self.apply.status == "pending"

    @property
    def variant(self) -> int | None:
        """Its place (1-based) among the variants of one click that made several; else None."""
        if self.batch_index is None or (self.batch_size or 1) < 2:
            return None
        return self.batch_index + 1

    def out_of_tries(self, tries: int, *, queue_limit: int) -> bool:
        """Whether `tries` (the current one included) leaves the job none: `max_attempts`,
        or the jobs queue's receive limit when that is lower (past it SQS dead-letters
        the message). The one retry rule of the worker and the reaper, whatever message
        brings the job: a fresh one (a requeue, a deferred copy, a redrive) restarts its
        receive count but not the job's `attempts`."""
        return tries >= min(self.max_attempts, queue_limit)

    def due_for_claim(self, now: datetime) -> bool:
        """Whether its wait between tries lets a claim at `now` take it: it waits for no
        next try, or that try is due (`latest_retry_claimable`). A duplicate delivery
        during the wait must not call Gemini before the backoff is over."""
        due = self.next_attempt_at
        return due is None or due <= latest_retry_claimable(now)

    def due_passed(self, now: int) -> bool:
        """Nothing in flight answers for the job any more at `now` (epoch seconds): its
        `due_at` passed (or was never set, as on records older than `due_at`). Not the
        running try's lease (`lease_expires_at`), though a claim sets both alike."""
        return self.due_at is None or self.due_at < now

    def apply_try_runs(self, now: int) -> bool:
        """A try of its pending apply started and has not ended at `now` (epoch seconds),
        within the lease it took as it started (`lease_expires_at`): it may still deliver,
        so no other try may start."""
        return self.apply_in_flight and (self.lease_expires_at or 0) >= now

    def run_timings(self, stages: Mapping[str, float] | None = None) -> StageTimings:
        """The `timings` of a run of this job that ends now: from its creation to its first
        claim, the seconds spent in each of `stages` (null: a stage not reached; a run that
        records what an earlier try stored goes through none), from its creation to now,
        and its apply's as they are."""
        stages = stages or {}
        queued = (self.started_at - self.created_at).total_seconds() if self.started_at else None
        total = (utc_now() - self.created_at).total_seconds()

        def rounded(value: float | None) -> float | None:
            return None if value is None else round(max(value, 0.0), 3)

        return StageTimings(
            queued_s=rounded(queued),
            preparing_references_s=rounded(stages.get("preparing_references")),
            generating_s=rounded(stages.get("generating")),
            storing_s=rounded(stages.get("storing")),
            applying_s=self.timings.applying_s,
            total_s=rounded(total),
        )

    @property
    def delivery_id(self) -> str:
        """The callback's `webhook-id`: the same for every retry of one apply request."""
        return f"{self.id}:apply:{self.apply.attempt}"


class JobMessage(BaseModel):
    """The SQS message body: which job, and what to do with it."""

    model_config = ConfigDict(extra="ignore")

    job_id: str = Field(min_length=1)
    action: JobAction = "generate"
