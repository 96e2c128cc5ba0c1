"""No job left in flight forever: the dead letters, and the jobs no message will bring back.

The worker ends every job it sees to the end (`logic.worker`). Two things it cannot see:

- **Dead letters.** A worker killed on a message's last allowed receive (timeout, out of
  memory, a crash of the runtime) never returns; SQS moves the message to the dead-letter
  queue on its next receive and the worker never sees it again. `settle_dead_letters`
  reads the dead-letter queue *without taking anything out of it* (the message stays
  for an operator to inspect and redrive, and the queue's alarm keeps counting it) and
  ends the job (see "Ending a job" below), or its pending apply `failed` with
  `worker_gave_up`. A job already final is left as it is, and so is an apply queued on
  its own after the letter was sent (`ApplyState.carried_since`): asked again (its
  letter's request ended; the user was told to ask again), or queued by the reaper with
  the output it recorded (the letter is the job's own message, which never carried
  that apply). One whose lease still runs is left to its holder and looked at again on
  the next run.
- **Lost messages.** A message in flight at a stop of the local stack is gone (and so
  could one be anywhere a bug drops it). Every job in flight has a `due_at` in the
  `in_flight` index; `sweep` reads the jobs whose `due_at` passed more than
  `REAPER_GRACE_S` ago and queues each again with a fresh message while it has tries left
  (`attempts` < its `max_attempts`, `Job.out_of_tries`), or ends it.
  A pending apply is queued again (the same request, the same webhook id) while it has
  tries left (`apply.tries`, counted on the job: a requeue brings no fresh ones), or
  ends `failed` with `worker_gave_up`: an apply whose every try is stopped (a timeout
  in the callback) does not go round for ever.

**Ending a job** that gets no more tries: a try may have stored its output before it was
stopped (out of memory while making the preview, a timeout right after the write), and
Gemini was paid for it. The reaper looks for it as the worker does (`logic.outputs`) and
records it: the job succeeds, and a pending apply is queued. Only a job with no stored
output ends `failed` with `worker_gave_up`. A look the bucket refuses or does not answer
(`logic.outputs.BUCKET_FAULTS`) leaves the job as it is until the next run (`unchecked`):
an output is never thrown away for want of a look. Any other exception in the look is a
bug: it fails the run, and the reaper's Errors alarm says so.

Both are safe to run at any time and any number of times: every change is a conditional
write on the state that was read, and a second message for a job is harmless (the claim
lets one run it). The reaper Lambda runs them on a schedule; the local stack runs them
on start and on the same schedule.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from identity_images.errors import ErrorCode, PipelineError
from identity_images.logic.outputs import BUCKET_FAULTS, find_stored
from identity_images.models.jobs import Job, JobError, JobMessage, utc_now
from identity_images.models.ports import JobQueue, JobStore, ObjectStore, QueuedMessage
from identity_images.settings import Settings

logger = logging.getLogger(__name__)


class Settled(StrEnum):
    GAVE_UP = "gave_up"  # the job ended failed, worker_gave_up
    RECORDED = "recorded"  # the output a try stored is recorded: the job succeeded
    APPLY_GAVE_UP = "apply_gave_up"  # its apply ended failed, worker_gave_up
    REQUEUED = "requeued"  # queued again with a fresh message (tries left)
    APPLY_REQUEUED = "apply_requeued"  # the pending apply's message sent again
    FINAL = "final"  # already final: left as it is
    HELD = "held"  # its lease still runs: left to its holder, looked at next time
    UNTRACKED = "untracked"  # nothing in flight after all: out of the index
    UNCHECKED = "unchecked"  # the look for a stored output failed: looked at next time
    UNREADABLE = "unreadable"  # a dead letter that is not a job message: kept as is
    MISSING = "missing"  # the job is gone (expired): nothing to do


#: Outcomes that end something `worker_gave_up` (the `JobsGaveUp` metric and alarm).
GAVE_UP = frozenset({Settled.GAVE_UP, Settled.APPLY_GAVE_UP})


def gave_up_error(job: Job, *, dead_lettered: bool) -> JobError:
    why = (
        "its message went to the dead-letter queue after the last allowed try (the worker "
        "was stopped: a timeout, out of memory, a crash)"
        if dead_lettered
        else "its last allowed try never ended (the worker was stopped: a timeout, out of "
        "memory, a crash) or its message was lost (e.g. at a stop of the local stack)"
    )
    # Only a dead letter can be redriven; any other give-up has nothing left to send again.
    next_step = (
        "Start a new generation, or ask an operator to redrive it "
        "(identity-images dead-letters redrive)."
        if dead_lettered
        else "Start a new generation (or re-run this one)."
    )
    return JobError(
        code=ErrorCode.WORKER_GAVE_UP.value,
        message=f"The worker gave up on this job after {job.attempts} attempt(s): {why}. "
        + next_step,
    )


def apply_gave_up_error(job: Job, *, dead_lettered: bool) -> JobError:
    why = (
        "its message went to the dead-letter queue"
        if dead_lettered
        else f"after {job.apply.tries} tries, the last of which never ended: a timeout, a crash"
    )
    return JobError(
        code=ErrorCode.WORKER_GAVE_UP.value,
        message=f"The worker gave up saving the image to the identity ({why}). The image is "
        f"kept; ask again: POST /v1/generations/{job.id}/apply.",
    )


def _sent_before(letter: QueuedMessage, moment: datetime | None) -> bool:
    """Whether the letter's message was sent before `moment`. A standard queue keeps a
    message's first send time (`SentTimestamp`) when it moves it to the dead-letter
    queue. SQS's clock and ours may differ a little; a request's own letter taken for an
    older one by that much is left to the sweep, which ends the apply by its tries."""
    return letter.sent_at is not None and moment is not None and letter.sent_at < moment


@dataclass(frozen=True)
class Reaped:
    """What one run did: to each dead letter, then to each job the sweep looked at."""

    dead_letters: list[Settled] = field(default_factory=list)
    swept: list[Settled] = field(default_factory=list)

    @property
    def outcomes(self) -> list[Settled]:
        return [*self.dead_letters, *self.swept]


@dataclass(frozen=True)
class Reaper:
    store: JobStore
    queue: JobQueue
    dead_letters: JobQueue
    #: Where a try may have stored an output it could not record.
    storage: ObjectStore
    settings: Settings

    def run(self, now: datetime | None = None, *, grace_s: int | None = None) -> Reaped:
        """The dead letters, then the sweep (`grace_s` as `sweep` takes it): one run of
        the schedule, or of the local stack's start."""
        now = now or utc_now()
        return Reaped(self.settle_dead_letters(now), self.sweep(now, grace_s=grace_s))

    # --- dead letters ---------------------------------------------------------------
    def settle_dead_letters(self, now: datetime | None = None) -> list[Settled]:
        now = now or utc_now()
        letters = self.dead_letters.peek(limit=self.settings.reaper_max_jobs)
        try:
            return [self.settle(letter, now) for letter in letters]
        finally:
            self.dead_letters.release(letters)  # kept for the operator

    def settle(self, letter: QueuedMessage, now: datetime) -> Settled:
        """One dead letter: its job is ended (`_end`), or its apply ends `worker_gave_up`,
        unless final. A letter sent before the message that now carries the pending apply
        (`ApplyState.carried_since`) says nothing of it: an earlier request's, or the
        job's own message, dead before the apply was queued on its own (the reaper
        recorded the output a stopped try stored; `POST …/apply` queued it again). That
        apply is left to its own message, and to the sweep if that one is lost."""
        message = letter.job_message()
        if message is None:
            logger.warning("a dead letter that is no job message", extra={"id": letter.message_id})
            return Settled.UNREADABLE
        job = self.store.get(message.job_id)
        if job is None:
            return Settled.MISSING
        epoch = int(now.timestamp())
        log = {"job_id": job.id, "message_id": letter.message_id, "status": job.status}
        if job.status in ("queued", "running"):
            if not job.due_passed(epoch):
                return Settled.HELD
            return self._end(job, dead_lettered=True, log=log)
        if job.apply_in_flight:
            if _sent_before(letter, job.apply.carried_since):
                return Settled.FINAL  # its message ended; a newer one carries the apply now
            if not job.due_passed(epoch):
                return Settled.HELD
            error = apply_gave_up_error(job, dead_lettered=True)
            if self.store.finish_apply(job, error=error) is None:
                return Settled.HELD
            logger.warning("dead letter: apply failed, worker_gave_up", extra=log)
            return Settled.APPLY_GAVE_UP
        return Settled.FINAL

    # --- the sweep ------------------------------------------------------------------
    def sweep(self, now: datetime | None = None, *, grace_s: int | None = None) -> list[Settled]:
        """The jobs in flight whose `due_at` passed more than `grace_s` (default
        `REAPER_GRACE_S`) ago: queued again, or ended (`_end`) when out of tries. A negative
        `grace_s` reaches into the future: the local stack, on start, knows that nothing
        of the previous run holds any job and passes `-LOCAL_RESTART_REACH_S`."""
        now = now or utc_now()
        grace = self.settings.reaper_grace_s if grace_s is None else grace_s
        before = int(now.timestamp()) - grace
        ids = self.store.due_in_flight(before=before, limit=self.settings.reaper_max_jobs)
        return [self._recover(job_id, before, now) for job_id in ids]

    def _recover(self, job_id: str, before: int, now: datetime) -> Settled:
        job = self.store.get(job_id)
        if job is None:
            return Settled.MISSING
        if not job.due_passed(before):
            return Settled.HELD  # something acted on it since the index was read
        log = {"job_id": job.id, "status": job.status, "attempts": job.attempts}
        if job.status in ("queued", "running"):
            if job.out_of_tries(job.attempts, queue_limit=self.settings.worker_max_receive_count):
                return self._end(job, dead_lettered=False, log=log)
            if self.store.requeue_lapsed(job, now=now, lapsed_before=before) is None:
                return Settled.HELD
            self._send(JobMessage(job_id=job.id, action="generate"))
            logger.warning("lost job queued again", extra=log)
            return Settled.REQUEUED
        if job.apply_in_flight:
            if job.out_of_tries(
                job.apply.tries, queue_limit=self.settings.worker_max_receive_count
            ):
                error = apply_gave_up_error(job, dead_lettered=False)
                if self.store.finish_apply(job, error=error) is None:
                    return Settled.HELD
                logger.warning("lost apply out of tries: failed, worker_gave_up", extra=log)
                return Settled.APPLY_GAVE_UP
            if self.store.renew_apply(job, now=now, lapsed_before=before) is None:
                return Settled.HELD
            self._send(JobMessage(job_id=job.id, action="apply"))
            logger.warning("lost apply queued again", extra=log)
            return Settled.APPLY_REQUEUED
        self.store.untrack(job)
        return Settled.UNTRACKED

    # --- ending a job ---------------------------------------------------------------
    def _end(self, job: Job, *, dead_lettered: bool, log: Mapping[str, object]) -> Settled:
        """A job (queued or running, as read) that gets no more tries: the output a try
        stored is recorded, and its pending apply queued; else it ends `failed` with
        `worker_gave_up`. Either write holds only while the job is as read: a job that
        moved in between is looked at next time."""
        log = {**log, "dead_lettered": dead_lettered}
        try:
            stored = find_stored(job, storage=self.storage, settings=self.settings)
        except BUCKET_FAULTS:
            # Not "nothing stored": ending the job now could throw a paid output away. Only
            # the bucket's faults wait for the next run; a bug in the look is raised, and
            # fails the run (the reaper's Errors alarm) rather than hide behind a retry.
            logger.exception("could not look for a stored output; next time", extra=log)
            return Settled.UNCHECKED
        if stored is not None:
            output, usage, model, prepared = stored
            done = self.store.succeed(
                job,
                output=output,
                usage=usage,
                model=model,
                timings=job.run_timings(),
                prepared_references=prepared,
                apply_queued=True,  # its apply gets a message of its own, sent below
            )
            if done is None:
                return Settled.HELD
            if done.apply_in_flight:
                self._send(JobMessage(job_id=job.id, action="apply"))
            logger.warning("job out of tries: the output a try stored is recorded", extra=log)
            return Settled.RECORDED
        if self.store.fail(job, gave_up_error(job, dead_lettered=dead_lettered)) is None:
            return Settled.HELD
        logger.warning("job out of tries: failed, worker_gave_up", extra=log)
        return Settled.GAVE_UP

    def _send(self, message: JobMessage) -> None:
        try:
            self.queue.send(message)
        except PipelineError:
            # The job stays queued with a fresh `due_at`: a later run sends it again.
            logger.exception("could not queue a recovered job", extra={"job_id": message.job_id})


def build_reaper(settings: Settings) -> Reaper:
    """With the real adapters: DynamoDB, SQS (the jobs queue and its dead letters) and S3."""
    from identity_images.adapters.job_queue import JobQueue as SqsJobQueue
    from identity_images.adapters.job_store import JobStore as DynamoJobStore
    from identity_images.adapters.storage import Storage

    return Reaper(
        store=DynamoJobStore.from_settings(settings),
        queue=SqsJobQueue.from_settings(settings),
        dead_letters=SqsJobQueue.dead_letters_from_settings(settings),
        storage=Storage.from_settings(settings),
        settings=settings,
    )
