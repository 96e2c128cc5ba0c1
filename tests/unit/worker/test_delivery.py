"""How a delivery ends (`logic.delivery`), seen through a generation: a retryable error
comes back with backoff until the last try, counted on the job, so a fresh message gives
no fresh tries; a final error ends the job and the message is done. The apply's tries,
counted the same way, are in `test_apply_run.py`."""

from __future__ import annotations

import pytest

from identity_images.errors import ErrorCode, PipelineError
from identity_images.logic.worker import Outcome, RetryLater
from tests.unit.worker.helpers import SETTINGS, World, api_job, backoff_over, run


def test_a_retryable_error_requeues_with_backoff_until_the_last_try(world: World) -> None:
    job = api_job(world)
    world.generate.error = PipelineError(ErrorCode.PROVIDER_UNAVAILABLE, "busy", retryable=True)
    with pytest.raises(RetryLater) as first:
        run(world, job, receive_count=1)
    assert first.value.delay_s == 10
    assert world.store.require(job.id).status == "queued"
    backoff_over(world, job)
    with pytest.raises(RetryLater) as second:
        run(world, job, receive_count=2)
    assert second.value.delay_s == 20
    backoff_over(world, job)
    with pytest.raises(RetryLater) as last:  # the message goes on to the dead-letter queue
        run(world, job, receive_count=3)
    assert last.value.delay_s == 0
    failed = world.store.require(job.id)
    assert failed.status == "failed"
    assert failed.error is not None
    assert failed.error.code == "provider_unavailable"


def test_a_fresh_message_gives_a_job_out_of_tries_no_new_ones(world: World) -> None:
    tries = SETTINGS.worker_max_receive_count
    job = api_job(world, max_attempts=tries)
    for _ in range(tries - 1):  # used up by earlier messages
        claimed = world.store.claim(job.id)
        assert claimed is not None
        world.store.requeue(claimed)
    world.generate.error = PipelineError(ErrorCode.PROVIDER_UNAVAILABLE, "busy", retryable=True)
    with pytest.raises(RetryLater) as last:  # a reaper requeue's or a redrive's first receive
        run(world, job, receive_count=1)
    assert last.value.delay_s == 0
    failed = world.store.require(job.id)
    assert (failed.status, failed.attempts) == ("failed", tries)


def test_a_final_error_fails_the_job_and_the_message_is_done(world: World) -> None:
    job = api_job(world)
    world.generate.error = PipelineError(ErrorCode.CONTENT_BLOCKED, "blocked")
    assert run(world, job) == [Outcome.FAILED]
    assert world.store.require(job.id).status == "failed"
