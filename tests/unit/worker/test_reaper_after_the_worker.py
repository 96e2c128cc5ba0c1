"""The reaper ending what the worker left (`logic.reaper`), over the worker's world: a job
whose last try stored its output before it was stopped, or whose message was lost or
dead-lettered, has the output recorded; one whose stored output cannot be looked for is
left; one that stored nothing ends `worker_gave_up`. Its decisions over bare ports are in
`tests/unit/test_reaper_decisions.py`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from identity_images.logic import storing
from identity_images.logic.reaper import Settled
from identity_images.logic.worker import Outcome
from identity_images.models.jobs import Job, JobMessage, utc_now
from tests.unit.worker.helpers import (
    SETTINGS,
    Killed,
    World,
    api_job,
    apply_message,
    fail_first_succeed,
    run,
    stop_every_try,
    sweeper,
)


def killed_making_the_preview(world: World, monkeypatch: pytest.MonkeyPatch, job: Job) -> Job:
    """The job's last try is stopped (out of memory) making the preview of the output it
    stored: left `running` at its limit, its output paid for and in the bucket."""

    def out_of_memory(*_: Any, **__: Any) -> Any:
        raise Killed

    monkeypatch.setattr(storing, "make_renditions", out_of_memory)
    with pytest.raises(Killed):
        run(world, job)
    monkeypatch.undo()
    stopped = world.store.require(job.id)
    assert (stopped.status, stopped.attempts) == ("running", 1)
    assert stopped.out_of_tries(stopped.attempts, queue_limit=SETTINGS.worker_max_receive_count)
    return stopped


@pytest.mark.parametrize("lost", ["dead_lettered", "message_lost"])
def test_the_reaper_records_the_output_a_last_try_stored_before_it_was_stopped(
    world: World, monkeypatch: pytest.MonkeyPatch, lost: str
) -> None:
    """Its message went to the dead-letter queue (or was lost), so the worker never sees
    the job again: the reaper, not the worker, ends it, and keeps what Gemini was paid for."""
    job = api_job(world, apply=True, max_attempts=1)  # its first try is its last
    killed_making_the_preview(world, monkeypatch, job)
    [output_key] = [key for key in world.storage.objects if key.startswith("generated/")]
    reaper, later = sweeper(world), utc_now() + timedelta(hours=1)
    if lost == "dead_lettered":
        reaper = sweeper(world, JobMessage(job_id=job.id))
        assert reaper.settle_dead_letters(later) == [Settled.RECORDED]
    else:
        assert reaper.sweep(later) == [Settled.RECORDED]

    done = world.store.require(job.id)
    assert (done.status, done.attempts, done.error) == ("succeeded", 1, None)
    assert done.output is not None
    assert (done.output.key, done.output.preview) == (output_key, None)
    assert done.usage is not None
    assert done.usage.total_tokens == 8
    assert len(world.generate.calls) == 1
    # Its apply goes on: queued now, and delivered by the worker.
    assert [sent.message for sent in world.queue.sent] == [
        JobMessage(job_id=job.id, action="apply")
    ]
    assert apply_message(world, job) == [Outcome.APPLIED]
    [(assignment, _)] = world.callback.delivered
    assert assignment.image_path == output_key
    assert reaper.run(later).outcomes == ([Settled.FINAL] if lost == "dead_lettered" else [])


def test_the_reaper_records_an_output_stored_by_a_try_given_back_before_it_ends_the_job(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The try stored the output and its `succeeded` write failed; its message was lost,
    the sweep queued the job again (tries left), and that message was dead-lettered
    before a try claimed it (every receive failed first)."""
    job = api_job(world)
    asked = fail_first_succeed(world, monkeypatch)
    with pytest.raises(RuntimeError):
        run(world, job)
    later = utc_now() + timedelta(hours=1)
    assert sweeper(world).sweep(later) == [Settled.REQUEUED]
    assert world.store.require(job.id).status == "queued"
    reaper = sweeper(world, JobMessage(job_id=job.id))

    assert reaper.settle_dead_letters(later + timedelta(hours=1)) == [Settled.RECORDED]
    done = world.store.require(job.id)
    assert (done.status, done.output) == ("succeeded", asked["output"])
    assert done.prepared_references == asked["prepared_references"]
    assert len(world.generate.calls) == 1


#: The bucket's faults a look can meet: S3 refuses it, or does not answer.
BUCKET_FAULTS = {
    "denied": ClientError({"Error": {"Code": "403", "Message": "Forbidden"}}, "HeadObject"),
    "no_answer": EndpointConnectionError(endpoint_url="https://s3.eu-west-1.amazonaws.com"),
}


def fail_heads_with(world: World, monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    """Every HEAD of the bucket raises `error`, until `monkeypatch.undo()`."""

    def head(key: str, *, denied_is_missing: bool = False) -> Any:
        raise error

    monkeypatch.setattr(world.storage, "head", head)


@pytest.mark.parametrize("fault", sorted(BUCKET_FAULTS))
def test_the_reaper_leaves_a_job_whose_stored_output_it_cannot_look_for(
    world: World, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    """A 403 or a look S3 never answered is not "nothing stored": ending the job then
    could throw its output away."""
    job = api_job(world, max_attempts=1)
    killed_making_the_preview(world, monkeypatch, job)
    fail_heads_with(world, monkeypatch, BUCKET_FAULTS[fault])
    reaper, later = sweeper(world, JobMessage(job_id=job.id)), utc_now() + timedelta(hours=1)

    assert reaper.run(later).outcomes == [Settled.UNCHECKED, Settled.UNCHECKED]
    assert world.store.require(job.id).status == "running"
    monkeypatch.undo()  # S3 answers again: the next run records it
    assert reaper.run(later).outcomes == [Settled.RECORDED]
    assert world.store.require(job.id).status == "succeeded"


def test_a_bug_in_the_reapers_look_for_a_stored_output_fails_the_run(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not `unchecked` on every run, a log line apart: the run fails (the reaper's Errors
    alarm), and the job, the output and the letter are left as they were."""
    job = api_job(world, max_attempts=1)
    killed_making_the_preview(world, monkeypatch, job)
    fail_heads_with(world, monkeypatch, TypeError("head() got an unexpected keyword argument"))
    reaper, later = sweeper(world, JobMessage(job_id=job.id)), utc_now() + timedelta(hours=1)

    with pytest.raises(TypeError):
        reaper.run(later)
    assert world.store.require(job.id).status == "running"
    assert len(reaper.dead_letters.peek()) == 1
    monkeypatch.undo()  # the bug fixed: the next run records the output
    assert reaper.run(later).outcomes == [Settled.RECORDED]


def test_the_reaper_ends_a_last_try_that_stored_nothing_worker_gave_up(world: World) -> None:
    job = api_job(world)
    stop_every_try(world, job)  # stopped in the Gemini call: nothing stored
    later = utc_now() + timedelta(hours=1)
    assert sweeper(world, JobMessage(job_id=job.id)).settle_dead_letters(later) == [Settled.GAVE_UP]
    failed = world.store.require(job.id)
    assert failed.error is not None
    assert (failed.status, failed.error.code) == ("failed", "worker_gave_up")
