"""How one delivery of a job message ends, for a generation and an apply alike.

A delivery ends in an `Outcome` (its message is then deleted), or raises `RetryLater`
(the handler fails the message so SQS delivers it again after the delay, or moves it to
the dead-letter queue on its last receive), or defers: a fresh copy of the message is
queued, delayed until whoever holds the job should be done, and this delivery is dropped.

Decisions:
- A retryable error puts the job (or its apply) back with backoff, its message coming back
  after it; on the last try the failure is recorded and the message still fails (on its
  last receive SQS moves it to the dead-letter queue). The last try is when the job's own
  count of tries or this message's receives reach its `max_attempts` (`Job.out_of_tries`),
  so a fresh message (a reaper requeue, a deferred copy, a redrive) gives no fresh tries.
- A final error records the failure with its code; the message is done.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar

from identity_images.errors import PipelineError
from identity_images.models.jobs import Job, JobMessage
from identity_images.models.ports import MAX_DELAY_S, JobQueue
from identity_images.settings import Settings

logger = logging.getLogger(__name__)

Ended = TypeVar("Ended")


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


def backoff_s(tries: int, settings: Settings) -> int:
    """Delay before the next try: base, doubling per try, capped."""
    delay = settings.worker_backoff_base_s * 2 ** max(tries - 1, 0)
    return int(min(delay, settings.worker_backoff_max_s))


def retry_or_end(
    job: Job,
    error: PipelineError,
    tries: int,
    *,
    settings: Settings,
    give_back: Callable[[int], object],
    end: Callable[[], Ended],
) -> Ended:
    """The one retry decision of a generation and an apply: a retryable error with tries
    left is given back (`give_back(delay)`) and its message comes back after the backoff;
    otherwise `end()` records the failure, and a retryable error still fails the message
    (on its last receive SQS moves it to the dead-letter queue; an earlier receive comes
    back, finds the job finished and is dropped). Returns what `end()` did, only for a
    final error."""
    if error.retryable and not job.out_of_tries(
        tries, queue_limit=settings.worker_max_receive_count
    ):
        delay = backoff_s(tries, settings)
        give_back(delay)
        raise RetryLater(delay, error)
    ended = end()
    if error.retryable:
        raise RetryLater(0, error)
    return ended


def defer(queue: JobQueue, message: JobMessage, remaining_s: int, why: str) -> None:
    """Queue a copy of `message` delayed by `remaining_s` (1 s to `MAX_DELAY_S`): this
    delivery is then deleted, and the copy looks again when the holder should be done."""
    delay = max(1, min(remaining_s, MAX_DELAY_S))
    queue.send(message, delay_s=delay)
    logger.info(why, extra={"job_id": message.job_id, "delay_s": delay})
