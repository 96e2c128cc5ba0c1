"""One delivery's run of a job's generation: claim it, make its image, record the end.

What a claimed try does (read, call Gemini, store) is `logic.image_making`'s; this module
decides whether there is a try at all, and what its end is recorded as.

Decisions:
- A job someone else holds (running, lease not over) is not run again and does not fail
  the batch: a fresh copy of the message is queued, delayed until the lease ends (at most
  15 minutes, SQS's limit), and this delivery is dropped. When the copy arrives the job is
  either finished (dropped) or its holder died and the lease lapsed (claimed and run).
  A job waiting for its next try (`queued`, `next_attempt_at` ahead) is not claimed
  before it is due; a delivery during the wait is handled the same way, its copy delayed
  until the try is due (a duplicate in a standard queue can be the retry's own message:
  deleting it would leave the job to the reaper).
- A retryable error puts the job back to `queued` with backoff (`logic.delivery`); on the
  last try the job ends `failed` with the code. The tries are the job's claims
  (`attempts`) or this message's receives, whichever is more. A job left `running` at its
  limit by a last try that never ended (stopped in the Gemini call or after it: a
  timeout, out of memory) is not claimed again when its message comes back: once its
  lease is over, the output that try stored is recorded, or the job ends `failed`
  (`worker_gave_up`), as the reaper ends it, without calling Gemini.
- A final error ends the job `failed` with its code; the message is done.
- A canceled job is finished: its message is dropped (only queued jobs are claimed).
- Progress: the job records each stage it enters (`preparing_references`, `generating`,
  `storing`) and, when it ends, the seconds spent in each (`timings`). A job given back
  for a retry records why (`last_error`) and when it is tried again (`next_attempt_at`).
- Gemini is paid once per job even when the try that stored the output cannot record it
  (its `succeed` write fails, or it is stopped right after storing): a later try (only a
  job tried before looks: `attempts` > 1) that finds this job's complete output
  (`logic.outputs`) records it with the preview and prepared references found beside it,
  and calls no Gemini. Its `timings` are its own: queued and total, no stage. The reaper
  looks the same way before it gives a job up. A try whose storing failed looks too: a
  write that landed though its answer was lost (a timeout) is recorded at once.
- A job's usage is what all its tries were billed for: a try that failed after Gemini
  answered (without an image, or with one that could not be stored) adds its call's to
  the job as it is given back or ends, and the try that succeeds adds its own.
- A paid output is never thrown away for want of a look: when the bucket faults on the
  look and no try is left, the job is not ended; the fault is raised, and the message's
  return (or, after the dead-letter queue, the reaper) looks again.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from identity_images.engine.generation import StageHook
from identity_images.errors import PipelineError, unexpected
from identity_images.logic.delivery import Outcome, defer, retry_or_end
from identity_images.logic.outputs import BUCKET_FAULTS, Made, find_stored
from identity_images.logic.reaper import gave_up_error
from identity_images.models.jobs import (
    BilledError,
    Job,
    JobError,
    JobMessage,
    StageTimings,
    utc_now,
)
from identity_images.models.ports import JobQueue, JobStore, ObjectStore
from identity_images.settings import Settings

logger = logging.getLogger(__name__)

#: What a claimed try does (`ImageMaker.make`): the job's image, made and stored.
MakeImage = Callable[[Job, StageHook], Made]


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


@dataclass(frozen=True)
class GenerationRun:
    """The generation's side of a delivery: the jobs table and the queue for the claim and
    its end, the bucket for an output an earlier try stored, and `make` for the try."""

    store: JobStore
    queue: JobQueue
    storage: ObjectStore
    settings: Settings
    make: MakeImage

    def run(self, job: Job, receive_count: int) -> tuple[Job | None, Outcome]:
        """The job as this delivery left it (None when it is not this delivery's to
        follow: held, lost or deferred) and what happened. Raises `RetryLater`."""
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
        except BUCKET_FAULTS as fault:
            error = unexpected(
                fault, job_id=claimed.id, doing="looking for an earlier try's output"
            )
            return self._failed(claimed, error, receive_count, clock, unsure=fault), Outcome.FAILED
        try:
            made = stored or self.make(claimed, clock.enter)
        except Exception as fault:
            error = (
                fault if isinstance(fault, PipelineError) else unexpected(fault, job_id=claimed.id)
            )
            if clock.current == "storing":
                return self._storing_failed(claimed, error, receive_count, clock)
            return self._failed(claimed, error, receive_count, clock), Outcome.FAILED
        return self._succeed(claimed, made, clock)

    def _storing_failed(
        self, job: Job, error: PipelineError, receive_count: int, clock: StageClock
    ) -> tuple[Job | None, Outcome]:
        """Storing what Gemini made (and was paid for) failed. A write that landed though
        its answer was lost (a timeout) is this job's output: recorded, neither paid for
        again nor lost on a last try."""
        try:
            landed = self._find_stored(job)
        except BUCKET_FAULTS as fault:
            return self._failed(job, error, receive_count, clock, unsure=fault), Outcome.FAILED
        if landed is not None:
            return self._succeed(job, landed, clock)
        return self._failed(job, error, receive_count, clock), Outcome.FAILED

    def _succeed(self, job: Job, made: Made, clock: StageClock) -> tuple[Job | None, Outcome]:
        output, usage, model, prepared = made
        done = self.store.succeed(
            job,
            output=output,
            # With what its earlier tries were billed for (`job.usage`: answers without an
            # image, or whose image could not be stored).
            usage=usage.plus(job.usage) if usage else job.usage,
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
        defer(self.queue, JobMessage(job_id=job_id, action="generate"), remaining, why)
        return None, Outcome.DEFERRED

    def _find_stored(self, job: Job) -> Made | None:
        return find_stored(job, storage=self.storage, settings=self.settings)

    def _failed(
        self,
        job: Job,
        error: PipelineError,
        receive_count: int,
        clock: StageClock,
        *,
        unsure: Exception | None = None,
    ) -> Job | None:
        """A run that raised. Its tries are the job's claims (`attempts`, counted across
        messages) or this message's receives, whichever is more. `unsure`: the bucket's
        fault that kept the run from knowing whether an output of the job is stored. With
        no try left the job is then not ended (that output may be there, paid for): the
        fault is raised, the message comes back, and a later look records the output or
        ends the job (this module's on the job's last try, the reaper's after the
        dead-letter queue)."""
        tries = max(receive_count, job.attempts)
        log = {"job_id": job.id, "code": error.code.value, "tries": tries}
        # What this try was billed for, counted with the earlier tries' on the job (None:
        # nothing to add). Not when the bucket could not say whether its image is stored:
        # a later try that finds it counts it then.
        billed = error.usage if isinstance(error, BilledError) and unsure is None else None
        spent = billed.plus(job.usage) if billed else None

        def give_back(delay: int) -> None:
            self.store.requeue(
                job,
                retry_in_s=delay,
                error=JobError.of(error),
                next_attempt_at=utc_now() + timedelta(seconds=delay),
                usage=spent,
            )
            logger.warning("retryable failure; job back in the queue", extra=log)

        def end() -> Job | None:
            if unsure is not None:
                logger.warning("out of tries, its output unknown: left to a later look", extra=log)
                raise unsure
            logger.warning("job failed", extra=log)
            return self.store.fail(job, JobError.of(error), timings=clock.timings(), usage=spent)

        return retry_or_end(job, error, tries, settings=self.settings, give_back=give_back, end=end)
