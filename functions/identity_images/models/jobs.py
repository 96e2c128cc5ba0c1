"""The generation job: its record (DynamoDB), its public shape (the API) and its message (SQS).

One model serves the table and the API, so the two cannot drift apart. Timestamps are
timezone-aware UTC and always serialise with microseconds (`2026-01-02T03:04:05.000000Z`),
so the `created_at` strings sort in time order in the `by_identity` index.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer

from identity_images.settings import AspectRatio, ImageSize

JobStatus = Literal["queued", "running", "succeeded", "failed"]
ApplyStatus = Literal["not_requested", "pending", "applied", "failed"]
JobSource = Literal["api", "s3_event"]
JobAction = Literal["generate", "apply"]

TERMINAL_STATUSES: frozenset[str] = frozenset({"succeeded", "failed"})
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


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


class JobOutput(BaseModel):
    """The generated image in the bucket."""

    key: str = Field(description="S3 key: generated/identities/{identity_id}/{job_id}.{ext}.")
    mime_type: str
    width: int = Field(ge=1)
    height: int = Field(ge=1)
    bytes: int = Field(ge=0)
    url: str | None = Field(
        default=None, description="Short-lived download URL (API answers only, never stored)."
    )


class JobUsage(BaseModel):
    """What the Gemini call used and about what it cost."""

    prompt_tokens: int = 0
    output_tokens: int = 0
    thoughts_tokens: int = 0
    total_tokens: int = 0
    estimated_cost_usd: float = 0.0


class JobError(BaseModel):
    """Why a job (or its apply) failed: a stable code and a human message."""

    code: str
    message: str


class ApplyState(BaseModel):
    """Saving the output to the identity, through the signed callback to the host."""

    status: ApplyStatus = "not_requested"
    attempt: int = Field(
        default=0, ge=0, description="Apply requests so far; part of the webhook id."
    )
    error: JobError | None = None
    applied_at: UtcDatetime | None = None

    @property
    def delivery_id_suffix(self) -> str:
        return f"apply:{self.attempt}"


class Job(BaseModel):
    """A generation job, as stored and as the API answers it."""

    model_config = ConfigDict(extra="ignore")

    id: str
    status: JobStatus = "queued"
    source: JobSource = "api"
    identity_id: str
    user_id: str = Field(description="The user whose identity the image is for.")
    created_by: str = Field(description="The admin (or `system`) who started the job.")
    reference_keys: list[str]
    prompt: str = ""
    aspect_ratio: AspectRatio
    image_size: ImageSize
    model: str | None = None
    attempts: int = Field(default=0, ge=0, description="Times a worker claimed the job.")
    output: JobOutput | None = None
    usage: JobUsage | None = None
    error: JobError | None = None
    apply: ApplyState = Field(default_factory=ApplyState)
    created_at: UtcDatetime
    updated_at: UtcDatetime
    started_at: UtcDatetime | None = None
    finished_at: UtcDatetime | None = None
    lease_expires_at: int | None = Field(
        default=None,
        exclude=True,
        description="While running: epoch seconds after which another worker may take it.",
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
        source: JobSource = "api",
        model: str | None = None,
        now: datetime | None = None,
    ) -> Job:
        """A queued job with a fresh id; `apply=True` asks for the callback after success."""
        now = now or utc_now()
        return cls(
            id=uuid.uuid4().hex,
            source=source,
            identity_id=identity_id,
            user_id=user_id,
            created_by=created_by,
            reference_keys=reference_keys,
            prompt=prompt,
            aspect_ratio=aspect_ratio,
            image_size=image_size,
            model=model,
            apply=ApplyState(status="pending", attempt=1) if apply else ApplyState(),
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

    def lease_lapsed(self, now: int) -> bool:
        """Nothing in flight answers for the job any more: `due_at` passed (or was never
        set, as on records older than the lease)."""
        return self.due_at is None or self.due_at < now

    @property
    def delivery_id(self) -> str:
        """The callback's `webhook-id`: the same for every retry of one apply request."""
        return f"{self.id}:apply:{self.apply.attempt}"


class JobMessage(BaseModel):
    """The SQS message body: which job, and what to do with it."""

    model_config = ConfigDict(extra="ignore")

    job_id: str = Field(min_length=1)
    action: JobAction = "generate"
