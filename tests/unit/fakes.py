"""In-memory stand-ins for the ports (`identity_images.models.ports`, `identity_images.domain`):
the jobs table, the queue, the bucket, the regeneration state, the host and the callback;
and for the worker's Gemini call with reference preparation (`FakeGenerate`, answering a
small PNG, `png`).

They keep the state changes the logic relies on (a claim takes only a queued job or one
whose lease lapsed; `succeed`/`fail`/`requeue` only touch the claim that holds the job),
so the decisions of the worker, the regenerator and generation creation can be tested
without moto or the Gemini server. The moto and end-to-end tests prove the adapters.
"""

from __future__ import annotations

import io
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError
from PIL import Image

from identity_images.engine.gemini import GeneratedImage, Usage
from identity_images.engine.generation import GenerationRequest, GenerationResult, StageHook
from identity_images.engine.references import PreparedReference
from identity_images.errors import ErrorCode, PipelineError
from identity_images.models.jobs import (
    Job,
    JobError,
    JobMessage,
    JobOutput,
    JobUsage,
    PreparedReferenceInfo,
    StageTimings,
    utc_now,
)
from identity_images.models.ports import (
    JobPage,
    ListedObject,
    ObjectInfo,
    PresignedPost,
    QueuedMessage,
    RegenerationState,
)


def _epoch(when: datetime) -> int:
    return int(when.timestamp())


class MemoryJobStore:
    """`models.ports.JobStore` over a dict."""

    def __init__(self, lease_s: int = 900) -> None:
        self.jobs: dict[str, Job] = {}
        self.lease_s = lease_s
        #: The job ids of each `outputs` call, in order.
        self.output_reads: list[list[str]] = []

    # --- reads --------------------------------------------------------------------------
    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def require(self, job_id: str) -> Job:
        job = self.get(job_id)
        if job is None:
            raise PipelineError(ErrorCode.GENERATION_NOT_FOUND, f"No generation {job_id!r}.")
        return job

    def list_for_identity(
        self, identity_id: str, *, limit: int, cursor: str | None = None, saved: bool = False
    ) -> JobPage:
        jobs = sorted(
            (
                j
                for j in self.jobs.values()
                if j.identity_id == identity_id and (not saved or j.apply.applied_at)
            ),
            key=lambda j: j.created_at,
            reverse=True,
        )
        start = int(cursor) if cursor else 0
        page = jobs[start : start + limit]
        more = start + limit < len(jobs)
        return JobPage(jobs=page, next_cursor=str(start + limit) if more else None)

    def due_in_flight(self, *, before: int, limit: int = 100) -> list[str]:
        due = [j for j in self.jobs.values() if j.due_at is not None and j.due_at < before]
        return [j.id for j in sorted(due, key=lambda j: j.due_at or 0)][:limit]

    def outputs(self, job_ids: Collection[str]) -> dict[str, JobOutput]:
        self.output_reads.append(sorted(job_ids))
        found = {job_id: self.jobs[job_id].output for job_id in job_ids if job_id in self.jobs}
        return {job_id: output for job_id, output in found.items() if output is not None}

    # --- writes -------------------------------------------------------------------------
    def _put(self, job: Job, **update: Any) -> Job:
        stored = job.model_copy(update={"updated_at": utc_now(), **update})
        self.jobs[job.id] = stored
        return stored

    def _holds(self, job: Job) -> Job | None:
        """The stored job while `job`'s claim (its `attempts`) still runs it."""
        current = self.jobs.get(job.id)
        if current is None or current.status != "running" or current.attempts != job.attempts:
            return None
        return current

    def create(self, job: Job) -> None:
        if job.id in self.jobs:
            raise PipelineError(ErrorCode.CONFLICT, f"Job {job.id!r} exists.")
        self.jobs[job.id] = job

    def create_many(self, jobs: list[Job]) -> None:
        if any(job.id in self.jobs for job in jobs):
            raise PipelineError(ErrorCode.CONFLICT, "A job of the batch exists.")
        for job in jobs:
            self.jobs[job.id] = job

    def create_once(self, job: Job) -> bool:
        if job.id in self.jobs:
            return False
        self.jobs[job.id] = job
        return True

    def cancel(self, job: Job) -> Job | None:
        current = self.jobs.get(job.id)
        if current is None or current.status != "queued":
            return None
        now = utc_now()
        return self._put(current, status="canceled", canceled_at=now, finished_at=now)

    def claim(self, job_id: str, *, now: datetime | None = None) -> Job | None:
        now = now or utc_now()
        current = self.jobs.get(job_id)
        if current is None:
            return None
        lapsed = current.status == "running" and (current.lease_expires_at or 0) < _epoch(now)
        # A job waiting for its next try is claimed only once it is due (the real store's rule).
        if (current.status != "queued" or not current.due_for_claim(now)) and not lapsed:
            return None
        return self._put(
            current,
            status="running",
            attempts=current.attempts + 1,
            started_at=current.started_at or now,
            lease_expires_at=_epoch(now) + self.lease_s,
            due_at=_epoch(now) + self.lease_s,
            next_attempt_at=None,
        )

    def set_reference_keys(self, job: Job, keys: list[str]) -> Job | None:
        current = self._holds(job)
        return None if current is None else self._put(current, reference_keys=keys)

    def set_stage(self, job: Job, stage: str, *, now: datetime | None = None) -> Job | None:
        current = self.jobs.get(job.id)
        if current is None:
            return None
        return self._put(current, stage=stage, stage_started_at=now or utc_now())

    def requeue(
        self,
        job: Job,
        *,
        retry_in_s: int = 0,
        error: JobError | None = None,
        next_attempt_at: datetime | None = None,
        usage: JobUsage | None = None,
    ) -> Job | None:
        current = self._holds(job)
        if current is None:
            return None
        return self._put(
            current,
            status="queued",
            stage=None,
            last_error=error,
            next_attempt_at=next_attempt_at,
            lease_expires_at=None,
            due_at=_epoch(utc_now()) + retry_in_s + self.lease_s,
            usage=usage if usage is not None else current.usage,
        )

    def requeue_lapsed(
        self, job: Job, *, now: datetime | None = None, lapsed_before: int | None = None
    ) -> Job | None:
        now = now or utc_now()
        current = self.jobs.get(job.id)
        before = _epoch(now) if lapsed_before is None else lapsed_before
        if current is None or current.is_terminal or (current.due_at or 0) >= before:
            return None
        return self._put(
            current,
            status="queued",
            lease_expires_at=None,
            stage=None,
            stage_started_at=None,
            due_at=_epoch(now) + self.lease_s,
        )

    def reopen(self, job: Job) -> Job | None:
        current = self.jobs.get(job.id)
        if current is None or current.status != "failed":
            return None
        return self._put(current, status="queued", error=None, finished_at=None)

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
    ) -> Job | None:
        current = self.jobs.get(job.id)
        if (
            current is None
            or current.status not in ("queued", "running")
            or (current.status, current.attempts) != (job.status, job.attempts)
        ):
            return None
        pending = current.apply.status == "pending"
        apply = current.apply
        if pending and apply_queued:
            apply = apply.model_copy(update={"queued_at": utc_now()})
        return self._put(
            current,
            apply=apply,
            status="succeeded",
            stage=None,
            output=output,
            usage=usage,
            model=model,
            timings=timings or current.timings,
            prepared_references=prepared_references or [],
            finished_at=now or utc_now(),
            lease_expires_at=None,
            due_at=_epoch(utc_now()) + self.lease_s if pending else None,
        )

    def fail(
        self,
        job: Job,
        error: JobError,
        *,
        timings: StageTimings | None = None,
        usage: JobUsage | None = None,
    ) -> Job | None:
        current = self.jobs.get(job.id)
        if current is None or current.is_terminal:
            return None
        if current.status == "running" and current.attempts != job.attempts:
            return None
        apply = current.apply
        if apply.status == "pending":
            apply = apply.model_copy(update={"status": "failed", "error": error})
        return self._put(
            current,
            status="failed",
            stage=None,
            error=error,
            apply=apply,
            timings=timings or current.timings,
            usage=usage or current.usage,
            finished_at=utc_now(),
            lease_expires_at=None,
            due_at=None,
        )

    def untrack(self, job: Job) -> None:
        current = self.jobs.get(job.id)
        if current is not None:
            self._put(current, due_at=None)

    # --- apply --------------------------------------------------------------------------
    def request_apply(self, job_id: str, *, asked_at: datetime | None = None) -> Job | None:
        current = self.jobs.get(job_id)
        if current is None or current.status != "succeeded" or current.apply.status == "pending":
            return None
        apply = current.apply.model_copy(
            update={
                "status": "pending",
                "attempt": current.apply.attempt + 1,
                "requested_at": asked_at or utc_now(),
                "queued_at": utc_now(),
                "error": None,
                "tries": 0,
            }
        )
        return self._put(current, apply=apply, due_at=_epoch(utc_now()) + self.lease_s)

    def renew_apply(
        self, job: Job, *, now: datetime | None = None, lapsed_before: int | None = None
    ) -> Job | None:
        now = now or utc_now()
        current = self.jobs.get(job.id)
        before = _epoch(now) if lapsed_before is None else lapsed_before
        if current is None or current.apply.status != "pending" or not current.due_passed(before):
            return None
        apply = current.apply.model_copy(update={"queued_at": now})
        return self._put(current, apply=apply, due_at=_epoch(now) + self.lease_s)

    def set_applying(self, job: Job) -> Job | None:
        current = self.jobs.get(job.id)
        now = _epoch(utc_now())
        if (
            current is None
            or not current.apply_in_flight
            or current.apply.attempt != job.apply.attempt
            or current.apply_try_runs(now)
        ):
            return None
        apply = current.apply.model_copy(update={"tries": current.apply.tries + 1})
        due = now + self.lease_s
        return self._put(current, stage="applying", apply=apply, due_at=due, lease_expires_at=due)

    def hold_apply(self, job: Job, *, retry_in_s: int) -> Job | None:
        current = self.jobs.get(job.id)
        if current is None:
            return None
        due = _epoch(utc_now()) + retry_in_s + self.lease_s
        return self._put(current, stage=None, due_at=due, lease_expires_at=None)

    def finish_apply(
        self,
        job: Job,
        *,
        error: JobError | None,
        superseded: bool = False,
        applying_s: float | None = None,
    ) -> Job | None:
        current = self.jobs.get(job.id)
        if current is None or current.apply.status != "pending":
            return None
        status = "superseded" if superseded else ("failed" if error else "applied")
        apply = current.apply.model_copy(
            update={
                "status": status,
                "error": error,
                "applied_at": None if error else utc_now(),
            }
        )
        return self._put(current, apply=apply, stage=None, due_at=None, lease_expires_at=None)


@dataclass
class SentMessage:
    message: JobMessage
    delay_s: int


class MemoryJobQueue:
    """`models.ports.JobQueue` as a list; `refuse` makes it answer `queue_unavailable`."""

    def __init__(self) -> None:
        self.sent: list[SentMessage] = []
        self.letters: list[QueuedMessage] = []
        self.delays: dict[str, int] = {}
        self.refuse = False

    def _refused(self, message: JobMessage) -> PipelineError:
        return PipelineError(
            ErrorCode.QUEUE_UNAVAILABLE,
            f"The job queue did not take job {message.job_id!r}'s message.",
            retryable=True,
        )

    def send(self, message: JobMessage, *, delay_s: int = 0) -> str:
        if self.refuse:
            raise self._refused(message)
        self.sent.append(SentMessage(message, delay_s))
        return f"m{len(self.sent)}"

    def send_many(self, messages: list[JobMessage]) -> None:
        if self.refuse:
            raise self._refused(messages[0])
        self.sent += [SentMessage(m, 0) for m in messages]

    def retry_after(self, receipt_handle: str, delay_s: int) -> None:
        self.delays[receipt_handle] = delay_s

    def peek(self, *, limit: int = 100) -> list[QueuedMessage]:
        return self.letters[:limit]

    def release(self, messages: list[QueuedMessage]) -> None:
        return None

    def delete(self, message: QueuedMessage) -> None:
        self.letters.remove(message)


@dataclass
class StoredObject:
    data: bytes
    content_type: str
    last_modified: datetime
    metadata: dict[str, str] = field(default_factory=dict)


class MemoryObjectStore:
    """`models.ports.ObjectStore` over a dict; URLs are `memory://{key}`. A HEAD of a key
    in `denied` answers as S3 does for a 403 (`Storage.head`)."""

    def __init__(self) -> None:
        self.objects: dict[str, StoredObject] = {}
        self.denied: set[str] = set()
        self._clock = datetime(2026, 1, 1, tzinfo=UTC)

    def put(self, key: str, data: bytes, content_type: str = "image/jpeg") -> None:
        """An object written by someone else (a browser upload), each a second newer."""
        self._clock += timedelta(seconds=1)
        self.objects[key] = StoredObject(data, content_type, self._clock)

    def presigned_post(
        self, key: str, *, content_type: str, max_bytes: int, expires_in: int
    ) -> PresignedPost:
        return PresignedPost(url=f"memory://{key}", fields={"Content-Type": content_type})

    def head(self, key: str, *, denied_is_missing: bool = False) -> ObjectInfo | None:
        if key in self.denied:
            if denied_is_missing:
                return None
            raise ClientError({"Error": {"Code": "403", "Message": "Forbidden"}}, "HeadObject")
        stored = self.objects.get(key)
        if stored is None:
            return None
        return ObjectInfo(
            key, len(stored.data), stored.content_type, stored.last_modified, dict(stored.metadata)
        )

    def list(self, prefix: str) -> list[ListedObject]:
        return [
            ListedObject(key, len(o.data), o.last_modified)
            for key, o in sorted(self.objects.items())
            if key.startswith(prefix)
        ]

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)

    def read(self, key: str, *, max_bytes: int) -> bytes:
        stored = self.objects.get(key)
        if stored is None:
            raise PipelineError(ErrorCode.REFERENCE_NOT_FOUND, f"No {key!r}.", details={"key": key})
        if len(stored.data) > max_bytes:
            raise PipelineError(ErrorCode.REFERENCE_INVALID, f"{key!r} is too large.")
        return stored.data

    def write(self, key: str, data: bytes, *, content_type: str, metadata: dict[str, str]) -> None:
        self._clock += timedelta(seconds=1)
        self.objects[key] = StoredObject(data, content_type, self._clock, dict(metadata))

    def presigned_get(
        self, key: str, *, expires_in: int, content_disposition: str | None = None
    ) -> str:
        return f"memory://{key}"


class MemoryRegenerationStates:
    """`ports.RegenerationStates` over a dict, with the same conditional `advance`."""

    def __init__(self) -> None:
        self.states: dict[str, RegenerationState] = {}

    def get(self, identity_id: str) -> RegenerationState | None:
        return self.states.get(identity_id)

    def advance(self, new: RegenerationState, *, previous: RegenerationState | None) -> bool:
        stored = self.states.get(new.identity_id)
        if (stored.generation if stored else -1) != (previous.generation if previous else -1):
            return False
        self.states[new.identity_id] = new
        return True

    def mark_sent(self, state: RegenerationState) -> None:
        stored = self.states.get(state.identity_id)
        if stored is not None and stored.generation == state.generation:
            self.states[state.identity_id] = replace(stored, message_sent=True)


def png(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 10, 10)).save(out, format="PNG")
    return out.getvalue()


@dataclass
class FakeGenerate:
    """Gemini and preparation stand-in: records what it was sent; refuses the files in
    `refuse` (as preparation does) or raises `error`."""

    refuse: set[str] = field(default_factory=set)
    error: PipelineError | None = None
    calls: list[list[str]] = field(default_factory=list)

    def __call__(
        self, request: GenerationRequest, /, *, on_stage: StageHook | None = None
    ) -> GenerationResult:
        names = [ref.name for ref in request.references]
        self.calls.append(names)
        for name in names:
            if name in self.refuse:
                raise PipelineError(
                    ErrorCode.REFERENCE_INVALID, "not an image", details={"file": name}
                )
        if self.error is not None:
            raise self.error
        if on_stage:
            on_stage("generating")
        image = GeneratedImage(
            data=png(),
            mime_type="image/png",
            width=64,
            height=48,
            model="fake-model",
            usage=Usage(prompt_tokens=3, output_tokens=5, total_tokens=8),
            finish_reason="STOP",
        )
        prepared = tuple(
            PreparedReference(
                name=ref.name,
                data=b"jpeg",
                mime_type="image/jpeg",
                width=1,
                height=1,
                source_bytes=len(ref.data),
            )
            for ref in request.references
        )
        return GenerationResult(image, prepared, 4 * len(prepared), 0.0, 0.0)
