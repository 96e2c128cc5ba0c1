"""The operators' side of the jobs dead-letter queue: list the letters with their jobs,
and send chosen ones back (`identity-images dead-letters list|redrive`).

A redrive re-opens the job honestly: a job that failed goes back to `queued` with its
`attempts` kept (the next claim counts on from there) and its apply pending again if it
failed only because the generation did; an apply that failed is asked again (a new
request, a new webhook id). The message goes back to the jobs queue, then leaves the
dead-letter queue. A letter whose job is done or gone is dropped (nothing is left to do);
one that is not a job message is kept for a person to read.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from identity_images.models.jobs import Job, JobMessage
from identity_images.models.ports import JobQueue, JobStore, QueuedMessage


class Redriven(StrEnum):
    REOPENED = "reopened"  # the failed job is queued again
    APPLY_REOPENED = "apply_reopened"  # the failed apply is asked again
    SENT_BACK = "sent_back"  # the job was still in flight: its message goes back as is
    DROPPED = "dropped"  # the job is done or gone: nothing left to do
    KEPT = "kept"  # not a job message, or the job moved meanwhile: left in the queue


@dataclass(frozen=True)
class DeadLetter:
    message: QueuedMessage
    job_message: JobMessage | None
    job: Job | None

    @property
    def job_id(self) -> str | None:
        return self.job_message.job_id if self.job_message else None


@dataclass(frozen=True)
class DeadLetters:
    dead_letters: JobQueue
    queue: JobQueue
    store: JobStore
    limit: int = 1000

    def letters(self) -> list[DeadLetter]:
        """Every letter (up to `limit`) with its job, oldest first; nothing is removed."""
        messages = self.dead_letters.peek(limit=self.limit)
        self.dead_letters.release(messages)
        return [self._letter(m) for m in messages]

    def redrive(self, job_ids: Collection[str] | None = None) -> list[tuple[DeadLetter, Redriven]]:
        """Send back the letters of `job_ids` (all of them when None)."""
        messages = self.dead_letters.peek(limit=self.limit)
        done: list[tuple[DeadLetter, Redriven]] = []
        untouched: list[QueuedMessage] = []
        try:
            for message in messages:
                letter = self._letter(message)
                if job_ids is not None and letter.job_id not in job_ids:
                    untouched.append(message)
                    continue
                outcome = self._redrive(letter)
                if outcome == Redriven.KEPT:
                    untouched.append(message)
                done.append((letter, outcome))
        finally:
            self.dead_letters.release(untouched)
        return done

    def _letter(self, message: QueuedMessage) -> DeadLetter:
        parsed = message.job_message()
        job = self.store.get(parsed.job_id) if parsed else None
        return DeadLetter(message=message, job_message=parsed, job=job)

    def _redrive(self, letter: DeadLetter) -> Redriven:
        job, message = letter.job, letter.job_message
        if message is None:
            return Redriven.KEPT
        outcome: Redriven
        if job is None:
            outcome = Redriven.DROPPED
        elif job.status == "failed":
            if self.store.reopen(job) is None:
                return Redriven.KEPT
            self.queue.send(JobMessage(job_id=job.id, action="generate"))
            outcome = Redriven.REOPENED
        elif job.status == "succeeded" and job.apply.status == "failed":
            # The admin's decision, sent again as of when it was made: one made since (an
            # apply of another job to the identity) still wins at the host.
            if self.store.request_apply(job.id, asked_at=job.apply.requested_at) is None:
                return Redriven.KEPT
            self.queue.send(JobMessage(job_id=job.id, action="apply"))
            outcome = Redriven.APPLY_REOPENED
        elif job.status in ("queued", "running") or job.apply_in_flight:
            self.queue.send(message)
            outcome = Redriven.SENT_BACK
        else:
            outcome = Redriven.DROPPED
        self.dead_letters.delete(letter.message)
        return outcome
