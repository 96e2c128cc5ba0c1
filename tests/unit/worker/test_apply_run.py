"""A delivery's try of a succeeded job's apply (`logic.apply_run`): the callback to the
host, a superseded answer, and the apply's tries, counted on the job as a generation's
are: a reaper's fresh message gives none, a try stopped by the runtime counts, and a
delivery while a try runs is deferred until that try's lease ends."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from identity_images.errors import ErrorCode, PipelineError
from identity_images.logic.reaper import Settled
from identity_images.logic.worker import Outcome, RetryLater
from identity_images.models.jobs import JobMessage, utc_now
from identity_images.models.ports import MAX_DELAY_S
from tests.support.fakes import ADMIN_IDENTITY
from tests.unit.worker.helpers import (
    SETTINGS,
    Killed,
    World,
    api_job,
    apply_message,
    lapse_lease,
    run,
    sweeper,
)


def test_a_succeeded_job_with_apply_delivers_the_callback(world: World) -> None:
    job = api_job(world, apply=True)
    assert run(world, job) == [Outcome.SUCCEEDED, Outcome.APPLIED]
    [(assignment, delivery_id)] = world.callback.delivered
    assert assignment.identity_id == ADMIN_IDENTITY
    assert delivery_id == f"{job.id}:apply:1"
    assert world.store.require(job.id).apply.status == "applied"


def test_an_apply_stops_at_the_jobs_max_attempts(world: World) -> None:
    job = api_job(world, apply=True, max_attempts=2)
    busy = PipelineError(ErrorCode.HOST_UNAVAILABLE, "down", retryable=True)
    world.callback.failures += [busy, busy]
    with pytest.raises(RetryLater) as first:
        run(world, job, receive_count=1)
    assert first.value.delay_s == 10
    assert world.store.require(job.id).apply.status == "pending"
    with pytest.raises(RetryLater) as last:
        world.worker.handle(JobMessage(job_id=job.id, action="apply"), receive_count=2)
    assert last.value.delay_s == 0
    assert world.store.require(job.id).apply.status == "failed"


def test_a_superseded_apply_is_not_a_failure(world: World) -> None:
    job = api_job(world, apply=True)
    world.callback.failures.append(PipelineError(ErrorCode.SUPERSEDED, "newer decision"))
    assert run(world, job) == [Outcome.SUCCEEDED, Outcome.SUPERSEDED]
    assert world.store.require(job.id).apply.status == "superseded"


# --- apply tries, counted on the job --------------------------------------------------


def test_a_reaper_requeue_gives_an_apply_no_fresh_tries(world: World) -> None:
    job = api_job(world, apply=True, max_attempts=2)
    busy = PipelineError(ErrorCode.HOST_UNAVAILABLE, "down", retryable=True)
    world.callback.failures += [busy, busy]
    with pytest.raises(RetryLater) as first:
        run(world, job)  # generated; the apply waits for its next try...
    assert first.value.delay_s == 10
    # ...but its message is lost, and the reaper sends a fresh one (receive count 1).
    assert sweeper(world).sweep(utc_now() + timedelta(hours=1)) == [Settled.APPLY_REQUEUED]
    with pytest.raises(RetryLater) as last:
        apply_message(world, job, receive_count=1)
    assert last.value.delay_s == 0  # the job's second try: its last
    apply = world.store.require(job.id).apply
    assert (apply.status, apply.tries) == ("failed", 2)
    assert apply.error is not None
    assert apply.error.code == "host_unavailable"


def test_an_apply_stopped_on_every_try_ends_failed_and_a_new_request_starts_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = api_job(world)
    assert run(world, job) == [Outcome.SUCCEEDED]
    assert world.store.request_apply(job.id) is not None
    deliver = world.callback.deliver
    called: list[str] = []

    def killed(*_: Any, delivery_id: str) -> None:
        called.append(delivery_id)
        raise Killed

    monkeypatch.setattr(world.callback, "deliver", killed)
    reaper, later = sweeper(world), utc_now()
    limit = SETTINGS.worker_max_receive_count  # below the job's max_attempts
    for tried in range(1, limit + 1):
        with pytest.raises(Killed):
            apply_message(world, job)  # each time the reaper's fresh message
        assert world.store.require(job.id).apply.tries == tried
        lapse_lease(world, job)  # the reaper comes long after the stopped try's lease
        later += timedelta(hours=1)
        settled = Settled.APPLY_REQUEUED if tried < limit else Settled.APPLY_GAVE_UP
        assert reaper.sweep(later) == [settled]
    assert len(called) == limit
    apply = world.store.require(job.id).apply
    assert apply.status == "failed"
    assert apply.error is not None
    assert apply.error.code == "worker_gave_up"
    assert f"after {limit} tries" in apply.error.message
    assert apply_message(world, job) == [Outcome.SKIPPED]  # a late copy of a message

    monkeypatch.setattr(world.callback, "deliver", deliver)  # the host answers again
    again = world.store.request_apply(job.id)
    assert again is not None
    assert (again.apply.attempt, again.apply.tries) == (2, 0)
    assert apply_message(world, job) == [Outcome.APPLIED]
    assert world.store.require(job.id).apply.tries == 1
    assert [d for _, d in world.callback.delivered] == [f"{job.id}:apply:2"]


def test_an_apply_whose_tries_were_used_up_ends_without_calling_the_host(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A redelivery that comes before the reaper (after its visibility timeout, longer
    than the lease): the tries that never ended count."""
    job = api_job(world, apply=True, max_attempts=2)
    called: list[str] = []

    def killed(*_: Any, delivery_id: str) -> None:
        called.append(delivery_id)
        raise Killed

    monkeypatch.setattr(world.callback, "deliver", killed)
    with pytest.raises(Killed):
        run(world, job)  # generated; the apply's first try stopped
    lapse_lease(world, job)
    with pytest.raises(Killed):
        apply_message(world, job, receive_count=2)
    lapse_lease(world, job)
    assert apply_message(world, job, receive_count=3) == [Outcome.APPLY_GAVE_UP]
    assert len(called) == 2
    apply = world.store.require(job.id).apply
    assert (apply.status, apply.tries) == ("failed", 2)
    assert apply.error is not None
    assert apply.error.code == "worker_gave_up"


@pytest.mark.parametrize("waited_past_due", [False, True])
def test_a_delivery_during_an_applys_last_try_leaves_it_to_that_try(
    world: World, monkeypatch: pytest.MonkeyPatch, waited_past_due: bool
) -> None:
    """A second delivery of the message (a standard queue's duplicate) while the last try
    is in the callback: that try holds the apply's lease from when it started (also when
    its message waited in a busy queue past the apply's `due_at`), so the duplicate looks
    again when the lease ends, and the try's answer is recorded."""
    job = api_job(world, apply=True, max_attempts=2)
    busy = PipelineError(ErrorCode.HOST_UNAVAILABLE, "down", retryable=True)
    world.callback.failures.append(busy)
    with pytest.raises(RetryLater):
        run(world, job)  # generated; the apply's first try: the host is down
    if waited_past_due:
        lapse_lease(world, job)
    deliver = world.callback.deliver
    during: list[Outcome] = []

    def slow_host(assignment: Any, *, delivery_id: str) -> None:
        during.extend(apply_message(world, job, receive_count=2))  # the duplicate
        deliver(assignment, delivery_id=delivery_id)

    monkeypatch.setattr(world.callback, "deliver", slow_host)
    assert apply_message(world, job, receive_count=2) == [Outcome.APPLIED]  # the last try

    assert during == [Outcome.DEFERRED]
    apply = world.store.require(job.id).apply
    assert (apply.status, apply.tries, apply.error) == ("applied", 2, None)
    [again] = world.queue.sent  # looks again once the lease is over: done by then
    assert again.message == JobMessage(job_id=job.id, action="apply")
    assert again.delay_s == MAX_DELAY_S  # the lease (900 s) and a second, at most SQS's
    assert apply_message(world, job) == [Outcome.SKIPPED]


def test_a_delivery_during_an_applys_first_try_waits_and_its_retry_does_not(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A duplicate of the message while the first try waits for the host is deferred
    until that try's lease ends (the host is not sent the same webhook twice at once).
    The try fails (the host is busy) and ends its lease: its own message, back after the
    backoff, runs at once."""
    job = api_job(world, apply=True)
    host = world.callback.deliver
    during: list[Outcome] = []

    def slow_busy_host(assignment: Any, *, delivery_id: str) -> None:
        if during:  # the try after the backoff: the host answers
            host(assignment, delivery_id=delivery_id)
            return
        during.extend(run(world, job))  # the duplicate
        raise PipelineError(ErrorCode.HOST_UNAVAILABLE, "busy", retryable=True)

    monkeypatch.setattr(world.callback, "deliver", slow_busy_host)
    with pytest.raises(RetryLater) as retry:
        run(world, job)  # generated; the apply's first try
    assert during == [Outcome.DEFERRED]
    [copy] = world.queue.sent
    assert copy.message == JobMessage(job_id=job.id, action="apply")
    assert copy.delay_s == MAX_DELAY_S  # the lease (900 s) and a second, at most SQS's

    assert retry.value.delay_s == 10
    assert run(world, job, receive_count=2) == [Outcome.APPLIED]  # not held off
    apply = world.store.require(job.id).apply
    assert (apply.status, apply.tries) == ("applied", 2)
    assert [d for _, d in world.callback.delivered] == [f"{job.id}:apply:1"]
    assert apply_message(world, job) == [Outcome.SKIPPED]  # the copy, later: done


def test_a_dead_letter_of_an_earlier_apply_request_leaves_a_newer_one_pending(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The letters stay and are settled again on every run: the one that ended request 1
    says nothing of request 2, which the user asked for after it, as told."""
    job = api_job(world)
    assert run(world, job) == [Outcome.SUCCEEDED]
    assert world.store.request_apply(job.id) is not None
    deliver = world.callback.deliver

    def killed(*_: Any, delivery_id: str) -> None:
        raise Killed

    monkeypatch.setattr(world.callback, "deliver", killed)
    with pytest.raises(Killed):
        apply_message(world, job)  # request 1: stopped in the callback, dead-lettered
    reaper = sweeper(world, JobMessage(job_id=job.id, action="apply"))
    later = utc_now() + timedelta(hours=1)
    assert reaper.settle_dead_letters(later) == [Settled.APPLY_GAVE_UP]

    monkeypatch.setattr(world.callback, "deliver", deliver)
    assert world.store.request_apply(job.id) is not None  # request 2, its message on its way
    assert reaper.settle_dead_letters(later) == [Settled.FINAL]  # its lease lapsed, even
    apply = world.store.require(job.id).apply
    assert (apply.status, apply.attempt, apply.error) == ("pending", 2, None)
    assert apply_message(world, job) == [Outcome.APPLIED]
