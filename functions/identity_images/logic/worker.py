"""Running one job message: claim, generate, store, record, and apply when asked.

Knows nothing of Lambda or SQS records: the handler passes the parsed message and its
receive count, and turns `RetryLater` into a batch item failure.

Decisions:
- A job someone else holds (running, lease not over) is not run again and does not fail
  the batch: a fresh copy of the message is queued, delayed until the lease ends (at most
  15 minutes, SQS's limit), and this delivery is dropped. When the copy arrives the job is
  either finished (dropped) or its holder died and the lease lapsed (claimed and run).
  A job waiting for its next try (`queued`, `next_attempt_at` ahead) is not claimed
  before it is due; a delivery during the wait is handled the same way, its copy delayed
  until the try is due (a duplicate in a standard queue can be the retry's own message:
  deleting it would leave the job to the reaper).
- A retryable error puts the job back to `queued` and the message back on the queue with
  backoff; on the last try the job ends `failed` with the code and the message still
  fails (on its last receive SQS moves it to the dead-letter queue). The last try is
  when the job's claims (`attempts`) or this message's receives reach its `max_attempts`
  (`Job.out_of_tries`), so a fresh message (a reaper requeue, a deferred copy, a
  redrive) gives no fresh tries. A job left `running` at its limit by a last try that
  never ended (stopped in the Gemini call or after it: a timeout, out of memory) is not
  claimed again when its message comes back: once its lease is over, the output that
  try stored is recorded, or the job ends `failed` (`worker_gave_up`), as the reaper
  ends it, without calling Gemini. An apply counts its tries the same way: on the job
  (`apply.tries`, counted as each starts, from 0 for each apply request) or its message's
  receives, whichever is more; an apply whose tries were used up by ones that never
  ended (stopped in the callback: a timeout, a crash) ends `failed` (`worker_gave_up`)
  without another, once the last one's lease is over.
- A try of an apply holds it as a claim holds a job: `set_applying` starts it only when
  no other try's lease runs (`lease_expires_at`, from the try's start; its end ends
  it, and so does a retryable failure: the message that comes back after the backoff is
  not held off). A delivery while a try runs (a standard queue's duplicate, any try) is
  deferred as one of a held job is, so the host is not sent the same webhook twice at
  once. The lease (the worker's timeout and a margin) is shorter than the queue's
  visibility timeout (6x the worker's timeout): a message that comes back after its
  try was stopped finds the lease over and is not held off either.
- Every state that waits for a message has a `due_at` (the lease of the worker, of the
  wait between tries, of the pending apply); `logic.reaper` settles the dead letters and
  the jobs whose `due_at` passed long ago, for when the worker is not there to.
- A final error ends the job `failed` with its code; the message is done.
- A canceled job is finished: its message is dropped (only queued jobs are claimed).
- Progress: the job records each stage it enters (`preparing_references`, `generating`,
  `storing`; `applying` for a succeeded job's apply) and, when it ends, the seconds spent
  in each (`timings`). A job given back for a retry records why (`last_error`) and when it
  is tried again (`next_attempt_at`).
- Storing writes the output, a small preview beside it (`engine.preview`) and the
  prepared references under the job's durable prefix (`prepared/identities/{identity_id}/
  {job_id}/{index}.jpg`), so a re-run or a refine works after `uploads/` expired. Once
  the output is stored the job is never sent back to Gemini: a preview or prepared
  reference that cannot be made or written is logged and left out (`preview` null,
  `prepared_references` empty), and the job succeeds with its output.
- Gemini is paid once per job even when the try that stored the output cannot record it
  (its `succeed` write fails, or it is stopped right after storing). The output carries
  in its metadata what the job records of it (size, file name, model, usage), as the
  preview and each prepared reference carry their size; a later try (only a job tried
  before looks: `attempts` > 1) that finds this job's complete output (`logic.outputs`)
  records it with the preview and prepared references found beside it, and calls no
  Gemini. Its `timings` are its own: queued and total, no stage. The reaper looks the
  same way before it gives a job up.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from itertools import islice
from typing import Protocol, TypeVar

from identity_images.domain import HostDirectory, ImageAssignment, ImageCallback
from identity_images.engine.generation import (
    EDIT_IMAGE_MAX_BYTES,
    GenerationRequest,
    GenerationResult,
    ReferenceFile,
    StageHook,
)
from identity_images.engine.preview import make_preview
from identity_images.errors import ErrorCode, PipelineError
from identity_images.generation_rules import check_identity_name
from identity_images.logic.filenames import download_filename
from identity_images.logic.outputs import Made, find_stored, size_metadata
from identity_images.logic.reaper import apply_gave_up_error, gave_up_error
from identity_images.logic.reference_folder import usable_references
from identity_images.models.jobs import (
    Job,
    JobError,
    JobMessage,
    JobOutput,
    PreparedReferenceInfo,
    Rendition,
    StageTimings,
    utc_now,
)
from identity_images.models.ports import MAX_DELAY_S, JobQueue, JobStore, ObjectInfo, ObjectStore
from identity_images.settings import Settings

logger = logging.getLogger(__name__)

Ended = TypeVar("Ended")


class Generate(Protocol):
    """`engine.generation.generate_identity_image` with its provider and rules bound."""

    def __call__(
        self, request: GenerationRequest, /, *, on_stage: StageHook | None = None
    ) -> GenerationResult: ...


def about_reference(error: PipelineError, key: str, index: int) -> PipelineError:
    """The same error, naming the reference by its full key and its index in
    `reference_keys` (every upload batch names its files `1.jpg`, `2.jpg`…)."""
    details = {**error.details, "field": "reference_keys", "key": key, "index": index}
    return PipelineError(error.code, error.message, retryable=error.retryable, details=details)


@dataclass
class StageClock:
    """Records the stages of one run of a job: on the job as it enters each (so a client
    sees it), and their durations for `timings` when it ends."""

    store: JobStore
    job: Job
    seconds: dict[str, float] = field(default_factory=dict)
    current: str | None = None
    since: float = field(default_factory=time.perf_counter)

    def enter(self, stage: str) -> None:
        self._close()
        self.current, self.since = stage, time.perf_counter()
        self.store.set_stage(self.job, stage)

    def _close(self) -> None:
        if self.current is not None:
            elapsed = time.perf_counter() - self.since
            self.seconds[self.current] = self.seconds.get(self.current, 0.0) + elapsed
            self.current = None

    def timings(self) -> StageTimings:
        self._close()
        return self.job.run_timings(self.seconds)


#: A regeneration job skips a reference that fails with these (gone, or not an image).
SKIPPABLE = frozenset({ErrorCode.REFERENCE_NOT_FOUND, ErrorCode.REFERENCE_INVALID})


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    APPLIED = "applied"
    APPLY_FAILED = "apply_failed"
    #: Out of tries because its last never ended: `worker_gave_up` (the `JobsGaveUp` alarm).
    GAVE_UP = "gave_up"
    APPLY_GAVE_UP = "apply_gave_up"
    SUPERSEDED = "superseded"
    SKIPPED = "skipped"
    DEFERRED = "deferred"


class RetryLater(Exception):  # noqa: N818 - a signal to the handler, not an error
    """Fail this message so SQS delivers it again after `delay_s` (or dead-letters it)."""

    def __init__(self, delay_s: int, error: PipelineError) -> None:
        super().__init__(f"retry in {delay_s}s: {error.code.value}: {error.message}")
        self.delay_s = delay_s
        self.error = error


@dataclass(frozen=True)
class Worker:
    store: JobStore
    queue: JobQueue
    storage: ObjectStore
    host: HostDirectory
    callback: ImageCallback
    generate: Generate
    settings: Settings

    def backoff_s(self, tries: int) -> int:
        """Delay before the next try: base, doubling per try, capped."""
        delay = self.settings.worker_backoff_base_s * 2 ** max(tries - 1, 0)
        return int(min(delay, self.settings.worker_backoff_max_s))

    def _retry_or_end(
        self,
        job: Job,
        error: PipelineError,
        tries: int,
        *,
        give_back: Callable[[int], object],
        end: Callable[[], Ended],
    ) -> Ended:
        """The one retry decision of a generation and an apply: a retryable error with
        tries left is given back (`give_back(delay)`) and its message comes back after
        the backoff; otherwise `end()` records the failure, and a retryable error still
        fails the message (on its last receive SQS moves it to the dead-letter queue; an
        earlier receive comes back, finds the job finished and is dropped). Returns what
        `end()` did, only for a final error."""
        if error.retryable and not job.out_of_tries(
            tries, queue_limit=self.settings.worker_max_receive_count
        ):
            delay = self.backoff_s(tries)
            give_back(delay)
            raise RetryLater(delay, error)
        ended = end()
        if error.retryable:
            raise RetryLater(0, error)
        return ended

    # --- one message ----------------------------------------------------------------
    def handle(self, message: JobMessage, *, receive_count: int) -> list[Outcome]:
        """What happened, in order. Raises `RetryLater` when the message must come back."""
        job = self.store.get(message.job_id)
        if job is None:
            logger.warning("job not found; message dropped", extra={"job_id": message.job_id})
            return [Outcome.SKIPPED]
        outcomes: list[Outcome] = []
        if message.action == "generate" and not job.is_terminal:
            job, outcome = self._run(job, receive_count)
            outcomes.append(outcome)
            if job is None:
                return outcomes
        if job.apply_in_flight:
            outcomes.append(self._apply(job, receive_count))
        return outcomes or [Outcome.SKIPPED]

    # --- generation -----------------------------------------------------------------
    def _run(self, job: Job, receive_count: int) -> tuple[Job | None, Outcome]:
        limit = self.settings.worker_max_receive_count
        if job.status == "running" and job.out_of_tries(job.attempts, queue_limit=limit):
            # Its last try still runs (its lease, as `claim` reads it) or never ended: no
            # try past it.
            held = (job.lease_expires_at or 0) >= int(utc_now().timestamp())
            return self._not_claimed(job.id) if held else self._last_try_stopped(job)
        claimed = self.store.claim(job.id)
        if claimed is None:
            return self._not_claimed(job.id)
        clock = StageClock(self.store, claimed)
        try:
            # Only a job tried before can have an output no try recorded: a first try
            # pays for no look.
            stored = self._find_stored(claimed) if claimed.attempts > 1 else None
            made = stored or self._generate(claimed, clock)
        except PipelineError as error:
            return self._failed(claimed, error, receive_count, clock), Outcome.FAILED
        except Exception as error:
            logger.exception("unexpected error running a job", extra={"job_id": job.id})
            wrapped = PipelineError(
                ErrorCode.INTERNAL_ERROR,
                f"Unexpected error: {type(error).__name__}.",
                retryable=True,
            )
            return self._failed(claimed, wrapped, receive_count, clock), Outcome.FAILED
        return self._succeed(claimed, made, clock)

    def _succeed(self, job: Job, made: Made, clock: StageClock) -> tuple[Job | None, Outcome]:
        output, usage, model, prepared = made
        done = self.store.succeed(
            job,
            output=output,
            usage=usage,
            model=model,
            timings=clock.timings(),
            prepared_references=prepared,
        )
        if done is None:  # another delivery took it over (our lease lapsed) or ended it
            logger.warning("lost the job before recording it", extra={"job_id": job.id})
            return None, Outcome.SKIPPED
        return done, Outcome.SUCCEEDED

    def _last_try_stopped(self, job: Job) -> tuple[Job | None, Outcome]:
        """A job left `running` at its limit by a try that never ended (stopped in the
        Gemini call or after it: a timeout, out of memory), whose message came back. It is
        not claimed again (no try past its limit, no Gemini): the output that try stored is
        recorded, or the job ends as the reaper ends it, `failed` with
        `worker_gave_up`. Both writes hold only while no claim took the job since it was
        read (its `attempts`)."""
        stored = self._find_stored(job)
        if stored is not None:
            return self._succeed(job, stored, StageClock(self.store, job))
        ended = self.store.fail(job, gave_up_error(job, dead_lettered=False))
        if ended is None:  # another delivery ended it first
            return None, Outcome.SKIPPED
        logger.warning(
            "job out of tries, its last never ended: failed, worker_gave_up",
            extra={"job_id": job.id, "attempts": job.attempts},
        )
        return ended, Outcome.GAVE_UP

    def _not_claimed(self, job_id: str) -> tuple[Job | None, Outcome]:
        """A delivery whose claim was refused: the job is finished (dropped), held by a
        live lease, or waiting for its next try. For the last two a copy of the message is
        queued, delayed until the lease ends or the try is due (at most `MAX_DELAY_S`),
        before this delivery is deleted: in a standard queue a duplicate can be the very
        message the holder or the retry counts on, and deleting it with its newest receipt
        handle deletes that message."""
        current = self.store.get(job_id)
        if current is None or current.is_terminal:
            return current, Outcome.SKIPPED
        now = utc_now()
        if current.status == "queued":
            due = current.next_attempt_at
            # Without `due_for_claim`'s slack, on purpose: inside it this delivery may be
            # the retry's own message, so a due time within the slack still gets its copy
            # (delayed 1 s), and only one already past is left to the race's winner.
            if due is None or due <= now:
                # Claimable now: a race with a delivery that took it and gave it back,
                # whose own message (or the reaper's) brings it back.
                return current, Outcome.SKIPPED
            remaining = math.ceil((due - now).total_seconds())
            why = "job waits for its next try; checking again when it is due"
        else:
            remaining = (current.lease_expires_at or 0) - int(now.timestamp()) + 1
            why = "job is held by another delivery; checking again later"
        self._defer(JobMessage(job_id=job_id, action="generate"), remaining, why)
        return None, Outcome.DEFERRED

    def _defer(self, message: JobMessage, remaining_s: int, why: str) -> None:
        """Queue a copy of `message` delayed by `remaining_s` (1 s to `MAX_DELAY_S`): this
        delivery is then deleted, and the copy looks again when the holder should be done."""
        delay = max(1, min(remaining_s, MAX_DELAY_S))
        self.queue.send(message, delay_s=delay)
        logger.info(why, extra={"job_id": message.job_id, "delay_s": delay})

    def _generate(self, job: Job, clock: StageClock) -> Made:
        clock.enter("preparing_references")
        identity = self.host.get_identity(job.identity_id)
        # The API refused an unnamed identity; the host may have blanked the name since.
        # Before any photo is read: the engine would refuse it all the same.
        check_identity_name(identity.name, identity_id=identity.id)

        def request(
            references: list[ReferenceFile], edit: ReferenceFile | None = None
        ) -> GenerationRequest:
            return GenerationRequest(
                identity_name=identity.name,
                identity_description=identity.description,
                prompt=job.prompt,
                references=references,
                aspect_ratio=job.aspect_ratio,
                image_size=job.image_size,
                model=job.model,
                edit_image=edit,
                instruction=job.instruction or "",
            )

        if job.source == "s3_event":
            result = self._generate_from_folder(job, request, clock.enter)
            keys = [ref.name for ref in result.references]
        else:
            keys = list(job.reference_keys)
            references = [
                ReferenceFile(name=key, data=self._read_reference(key, index))
                for index, key in enumerate(keys)
            ]
            edit = self._read_edit_image(job) if job.edit_source_key else None
            try:
                result = self.generate(request(references, edit), on_stage=clock.enter)
            except PipelineError as error:
                bad = error.details.get("file")
                if bad in keys:
                    raise about_reference(error, bad, keys.index(bad)) from error
                raise
        clock.enter("storing")
        output = self._store_output(job, result, identity.name)
        prepared = self._store_prepared(job, result, keys)
        return output, result.image.usage, result.image.model, prepared

    def _read_reference(self, key: str, index: int) -> bytes:
        try:
            return self.storage.read(key, max_bytes=self.settings.reference_max_bytes)
        except PipelineError as error:
            raise about_reference(error, key, index) from error

    def _read_edit_image(self, job: Job) -> ReferenceFile:
        """A refine's image to edit: the parent's output."""
        key = job.edit_source_key
        assert key is not None
        try:
            data = self.storage.read(key, max_bytes=EDIT_IMAGE_MAX_BYTES)
        except PipelineError as error:
            raise PipelineError(
                error.code,
                f"The image to edit ({key!r}, generation {job.parent_generation_id!r}) "
                "cannot be read.",
                retryable=error.retryable,
                details={**error.details, "field": "edit_source_key", "key": key},
            ) from error
        return ReferenceFile(name=key, data=data)

    def _store_output(self, job: Job, result: GenerationResult, identity_name: str) -> JobOutput:
        """The output, with what the job records of it in its metadata (`logic.outputs`
        reads it back when this try cannot record it)."""
        image = result.image
        key = self.settings.bucket_layout.output_key(job.identity_id, job.id, image.mime_type)
        about = {
            "generation-id": job.id,
            "identity-id": job.identity_id,
            "model": image.model,
            "source": job.source,
        }
        filename = download_filename(identity_name, utc_now(), image.mime_type, variant=job.variant)
        metadata = {
            **about,
            **size_metadata(image.width, image.height),
            "filename": filename,
            "usage": image.usage.model_dump_json(),
        }
        self.storage.write(key, image.data, content_type=image.mime_type, metadata=metadata)
        return JobOutput(
            key=key,
            mime_type=image.mime_type,
            width=image.width,
            height=image.height,
            bytes=len(image.data),
            filename=filename,
            preview=self._store_preview(job, image.data, about),
        )

    def _store_preview(self, job: Job, data: bytes, about: dict[str, str]) -> Rendition | None:
        """The output's preview, or None when it cannot be made or written. Best-effort:
        the output is already stored and paid for, and a job without a preview is
        complete (clients show the full image), so no fault here may send the job back
        to Gemini."""
        settings = self.settings
        try:
            small = make_preview(
                data,
                max_long_side=settings.preview_max_long_side,
                fmt=settings.preview_format,
                quality=settings.preview_quality,
            )
            small_key = settings.bucket_layout.preview_key(job.identity_id, job.id, small.mime_type)
            metadata = {**about, **size_metadata(small.width, small.height)}
            self.storage.write(
                small_key, small.data, content_type=small.mime_type, metadata=metadata
            )
        except Exception:
            logger.warning(
                "preview not stored; the job keeps its output without one",
                exc_info=True,
                extra={"job_id": job.id},
            )
            return None
        return Rendition(
            key=small_key,
            mime_type=small.mime_type,
            width=small.width,
            height=small.height,
            bytes=len(small.data),
        )

    def _store_prepared(
        self, job: Job, result: GenerationResult, keys: list[str]
    ) -> list[PreparedReferenceInfo]:
        """The references as sent, or none when they cannot be written. Best-effort, as
        the preview: they come after the paid-for output, and a job without them is
        complete (a re-run or refine falls back to its original references)."""
        try:
            return self._write_prepared(job, result, keys)
        except Exception:
            logger.warning(
                "prepared references not kept; the job keeps its output without them",
                exc_info=True,
                extra={"job_id": job.id},
            )
            return []

    def _write_prepared(
        self, job: Job, result: GenerationResult, keys: list[str]
    ) -> list[PreparedReferenceInfo]:
        """The references as sent (small JPEGs), kept under the job's durable prefix."""
        kept: list[PreparedReferenceInfo] = []
        for index, (ref, source) in enumerate(zip(result.references, keys, strict=True)):
            key = self.settings.bucket_layout.prepared_reference_key(job.identity_id, job.id, index)
            self.storage.write(
                key,
                ref.data,
                content_type=ref.mime_type,
                metadata={
                    "generation-id": job.id,
                    "index": str(index),
                    **size_metadata(ref.width, ref.height),
                },
            )
            kept.append(
                PreparedReferenceInfo(
                    index=index,
                    key=key,
                    source_key=source,
                    mime_type=ref.mime_type,
                    width=ref.width,
                    height=ref.height,
                    bytes=len(ref.data),
                )
            )
        return kept

    def _find_stored(self, job: Job) -> Made | None:
        return find_stored(job, storage=self.storage, settings=self.settings)

    def _generate_from_folder(
        self,
        job: Job,
        request: Callable[[list[ReferenceFile]], GenerationRequest],
        on_stage: StageHook,
    ) -> GenerationResult:
        """A regeneration job's references are read now: the identity's folder, newest
        first, up to `upload_max_files` usable ones. A file that is gone or that
        preparation refuses is skipped for the next one (preparation fails before Gemini
        is called); `reference_invalid` only if none is left. The keys used are recorded
        on the job."""
        skipped: list[str] = []
        readable = self._readable(
            usable_references(self.storage, job.identity_id, self.settings), skipped
        )
        chosen = list(islice(readable, self.settings.upload_max_files))
        while chosen:
            try:
                result = self.generate(request(chosen), on_stage=on_stage)
            except PipelineError as error:
                bad = error.details.get("file")
                if error.code not in SKIPPABLE or bad not in {ref.name for ref in chosen}:
                    raise
                logger.info("reference skipped", extra={"job_id": job.id, "key": bad})
                skipped.append(bad)
                chosen = [ref for ref in chosen if ref.name != bad] + list(islice(readable, 1))
            else:
                self.store.set_reference_keys(job, [ref.name for ref in chosen])
                return result
        folder = self.settings.bucket_layout.reference_folder(job.identity_id)
        raise PipelineError(
            ErrorCode.REFERENCE_INVALID,
            f"No usable reference photo under {folder!r}.",
            details={"folder": folder, "skipped": skipped},
        )

    def _readable(
        self, candidates: Iterable[ObjectInfo], skipped: list[str]
    ) -> Iterator[ReferenceFile]:
        """The candidates' bytes, in order; one that is gone or too large is skipped (its
        key added to `skipped`)."""
        for info in candidates:
            try:
                data = self.storage.read(info.key, max_bytes=self.settings.reference_max_bytes)
            except PipelineError as error:
                if error.code not in SKIPPABLE:
                    raise
                skipped.append(info.key)
            else:
                yield ReferenceFile(name=info.key, data=data)

    def _failed(
        self, job: Job, error: PipelineError, receive_count: int, clock: StageClock
    ) -> Job | None:
        """A run that raised. Its tries are the job's claims (`attempts`, counted across
        messages) or this message's receives, whichever is more."""
        tries = max(receive_count, job.attempts)
        log = {"job_id": job.id, "code": error.code.value, "tries": tries}

        def give_back(delay: int) -> None:
            self.store.requeue(
                job,
                retry_in_s=delay,
                error=JobError.of(error),
                next_attempt_at=utc_now() + timedelta(seconds=delay),
            )
            logger.warning("retryable failure; job back in the queue", extra=log)

        def end() -> Job | None:
            logger.warning("job failed", extra=log)
            return self.store.fail(job, JobError.of(error), timings=clock.timings())

        return self._retry_or_end(job, error, tries, give_back=give_back, end=end)

    # --- apply ----------------------------------------------------------------------
    def _apply(self, job: Job, receive_count: int) -> Outcome:
        limit = self.settings.worker_max_receive_count
        if job.out_of_tries(job.apply.tries, queue_limit=limit):
            return self._apply_out_of_tries(job)
        applying = self.store.set_applying(job)  # counts this try, and starts its lease
        if applying is None:
            return self._apply_not_started(job)
        job = applying
        assert job.output is not None
        assignment = ImageAssignment(
            identity_id=job.identity_id,
            image_path=job.output.key,
            generation_id=job.id,
            content_type=job.output.mime_type,
            size=job.output.bytes,
            requested_at=job.apply.requested_at or job.created_at,
            # Fresh on every try: a host in copy mode downloads it before it expires.
            image_url=self.storage.presigned_get(
                job.output.key, expires_in=self.settings.output_url_expiry_s
            ),
        )
        started = time.perf_counter()
        try:
            self.callback.deliver(assignment, delivery_id=job.delivery_id)
        except PipelineError as error:
            if error.code == ErrorCode.SUPERSEDED:  # a newer decision won: not a failure
                logger.info("apply superseded by a newer decision", extra={"job_id": job.id})
                self.store.finish_apply(
                    job,
                    error=JobError.of(error),
                    superseded=True,
                    applying_s=round(time.perf_counter() - started, 3),
                )
                return Outcome.SUPERSEDED
            failure = JobError.of(error)
            self._retry_or_end(
                job,
                error,
                max(receive_count, job.apply.tries),
                give_back=lambda delay: self.store.hold_apply(job, retry_in_s=delay),
                end=lambda: self.store.finish_apply(job, error=failure),
            )
            return Outcome.APPLY_FAILED
        self.store.finish_apply(job, error=None, applying_s=round(time.perf_counter() - started, 3))
        return Outcome.APPLIED

    def _apply_not_started(self, job: Job) -> Outcome:
        """A try that could not start: the apply ended, or a newer request took over
        (dropped), or another try of it runs (a standard queue's duplicate delivery): that
        try's answer is awaited, as for a held job, not replayed to the host at once."""
        current = self.store.get(job.id)
        now = int(utc_now().timestamp())
        held = current is not None and current.apply.attempt == job.apply.attempt
        if current is None or not (held and current.apply_try_runs(now)):
            return Outcome.SKIPPED
        return self._defer_apply(current, now, "apply held by another try")

    def _defer_apply(self, job: Job, now: int, why: str) -> Outcome:
        """A copy of the apply's message looks again when the running try's lease ends
        (at most `MAX_DELAY_S`; the lease is shorter than the queue's visibility timeout,
        so a message that comes back after a stopped try finds it over)."""
        remaining = (job.lease_expires_at or 0) - now + 1
        self._defer(JobMessage(job_id=job.id, action="apply"), remaining, f"{why}; checking again")
        return Outcome.DEFERRED

    def _apply_out_of_tries(self, job: Job) -> Outcome:
        """A pending apply whose last try started. While that try's lease runs (set as it
        started) it may still deliver: a copy of the message looks again when the lease
        ends, and this delivery is done (giving up now would mark failed an image the host
        is being given). Once the lease is over the try never ended (a timeout, a crash in
        the callback): the apply ends `failed` with `worker_gave_up`, no try past its
        limit."""
        now = int(utc_now().timestamp())
        if job.apply_try_runs(now):
            return self._defer_apply(job, now, "apply held by its last try")
        if (
            self.store.finish_apply(job, error=apply_gave_up_error(job, dead_lettered=False))
            is None
        ):
            return Outcome.SKIPPED  # it ended meanwhile, or a newer request took over
        logger.warning("apply out of tries: failed, worker_gave_up", extra={"job_id": job.id})
        return Outcome.APPLY_GAVE_UP


def build_worker(
    settings: Settings,
    *,
    host: HostDirectory | None = None,
    callback: ImageCallback | None = None,
) -> Worker:
    """The worker with the real adapters: DynamoDB, SQS, S3, the Django host, the signed
    callback and Gemini (or whatever `GEMINI_BASE_URL` points at). Tests pass their own
    `host` and `callback`, the two ports to the Django app."""
    from functools import partial

    from identity_images.adapters.callback import WebhookCallback
    from identity_images.adapters.django_host import DjangoHost
    from identity_images.adapters.job_queue import JobQueue as SqsJobQueue
    from identity_images.adapters.job_store import JobStore as DynamoJobStore
    from identity_images.adapters.storage import Storage
    from identity_images.engine.gemini import GeminiImageProvider
    from identity_images.engine.generation import generate_identity_image
    from identity_images.engine.references import ReferenceRules

    generate: Generate = partial(
        generate_identity_image,
        provider=GeminiImageProvider.from_settings(settings),
        rules=ReferenceRules.from_settings(settings),
    )
    return Worker(
        store=DynamoJobStore.from_settings(settings),
        queue=SqsJobQueue.from_settings(settings),
        storage=Storage.from_settings(settings),
        host=host or DjangoHost.from_settings(settings),
        callback=callback or WebhookCallback.from_settings(settings),
        generate=generate,
        settings=settings,
    )
