"""One delivery's try of a succeeded job's apply: save its image to the identity on the
Django host (the signed callback), and record how that went.

Decisions:
- An apply counts its tries as a generation does (`logic.delivery`): on the job
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
- A host that answers `superseded` (a newer decision won) ends the apply without a
  failure.
- Progress: a try records the stage `applying` as it starts, and its seconds when it ends.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from identity_images.domain import ImageAssignment, ImageCallback
from identity_images.errors import ErrorCode, PipelineError
from identity_images.logic.delivery import Outcome, defer, retry_or_end
from identity_images.logic.reaper import apply_gave_up_error
from identity_images.models.jobs import Job, JobError, JobMessage, utc_now
from identity_images.models.ports import JobQueue, JobStore, ObjectStore
from identity_images.settings import Settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ApplyRun:
    """The apply's side of a delivery: the jobs table and the queue for the try and its
    end, the bucket for the image's URL, and the callback to the host."""

    store: JobStore
    queue: JobQueue
    storage: ObjectStore
    callback: ImageCallback
    settings: Settings

    def run(self, job: Job, receive_count: int) -> Outcome:
        """What this delivery did with the job's pending apply. Raises `RetryLater`."""
        limit = self.settings.worker_max_receive_count
        if job.out_of_tries(job.apply.tries, queue_limit=limit):
            return self._out_of_tries(job)
        applying = self.store.set_applying(job)  # counts this try, and starts its lease
        if applying is None:
            return self._not_started(job)
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
            retry_or_end(
                job,
                error,
                max(receive_count, job.apply.tries),
                settings=self.settings,
                give_back=lambda delay: self.store.hold_apply(job, retry_in_s=delay),
                end=lambda: self.store.finish_apply(job, error=failure),
            )
            return Outcome.APPLY_FAILED
        self.store.finish_apply(job, error=None, applying_s=round(time.perf_counter() - started, 3))
        return Outcome.APPLIED

    def _not_started(self, job: Job) -> Outcome:
        """A try that could not start: the apply ended, or a newer request took over
        (dropped), or another try of it runs (a standard queue's duplicate delivery): that
        try's answer is awaited, as for a held job, not replayed to the host at once."""
        current = self.store.get(job.id)
        now = int(utc_now().timestamp())
        held = current is not None and current.apply.attempt == job.apply.attempt
        if current is None or not (held and current.apply_try_runs(now)):
            return Outcome.SKIPPED
        return self._defer(current, now, "apply held by another try")

    def _defer(self, job: Job, now: int, why: str) -> Outcome:
        """A copy of the apply's message looks again when the running try's lease ends
        (at most `MAX_DELAY_S`; the lease is shorter than the queue's visibility timeout,
        so a message that comes back after a stopped try finds it over)."""
        remaining = (job.lease_expires_at or 0) - now + 1
        message = JobMessage(job_id=job.id, action="apply")
        defer(self.queue, message, remaining, f"{why}; checking again")
        return Outcome.DEFERRED

    def _out_of_tries(self, job: Job) -> Outcome:
        """A pending apply whose last try started. While that try's lease runs (set as it
        started) it may still deliver: a copy of the message looks again when the lease
        ends, and this delivery is done (giving up now would mark failed an image the host
        is being given). Once the lease is over the try never ended (a timeout, a crash in
        the callback): the apply ends `failed` with `worker_gave_up`, no try past its
        limit."""
        now = int(utc_now().timestamp())
        if job.apply_try_runs(now):
            return self._defer(job, now, "apply held by its last try")
        if (
            self.store.finish_apply(job, error=apply_gave_up_error(job, dead_lettered=False))
            is None
        ):
            return Outcome.SKIPPED  # it ended meanwhile, or a newer request took over
        logger.warning("apply out of tries: failed, worker_gave_up", extra={"job_id": job.id})
        return Outcome.APPLY_GAVE_UP
