"""The apply lease (issue 10): an apply whose message is gone is queued again, by
`POST …/apply` or the reaper, once its lease is over and not while a try holds it; one
dead-lettered, or stopped on every try, ends failed and can be asked for again.

moto, the local Gemini server through the real SDK, the real worker and reaper; only the
host's two ports are fakes. The clock is moved by passing `now` to the reaper, or by
ageing the stored lease."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from identity_images.adapters import aws
from identity_images.errors import ErrorCode, PipelineError
from identity_images.handlers import worker as worker_handler
from identity_images.logic.reaper import Reaper, Settled
from identity_images.logic.worker import Worker
from identity_images.models.jobs import utc_now
from identity_images.settings import Settings, get_settings
from local_stack.aws_resources import Resources
from tests.jobs.reaper.helpers import GAVE_UP, Killed, create_job, later, run_once
from tests.support.aws_state import bodies, messages_in
from tests.support.fakes import FakeCallback
from tests.support.lambdas import LambdaContextStub, call_api, deliver, drain, receive_event


def age_lease(job_id: str, seconds: int) -> None:
    """Time passes: the job's lease (`due_at`, and a try's `lease_expires_at` while it has
    one) ends `seconds` earlier."""
    table, key = get_settings().jobs_table_name, {"job_id": {"S": job_id}}
    item = aws.dynamodb().get_item(TableName=table, Key=key)["Item"]
    leases = [name for name in ("due_at", "lease_expires_at") if name in item]
    aws.dynamodb().update_item(
        TableName=table,
        Key=key,
        UpdateExpression="SET " + ", ".join(f"{name} = {name} - :s" for name in leases),
        ExpressionAttributeValues={":s": {"N": str(seconds)}},
    )


def test_a_pending_apply_whose_message_was_lost_is_queued_again_by_apply(
    resources: Resources, worker: Worker, callback: FakeCallback
) -> None:
    callback.failures = [
        PipelineError(ErrorCode.HOST_UNAVAILABLE, "Django is down.", retryable=True)
    ]
    job_id = create_job(apply=True)
    assert len(run_once(resources.jobs_queue_url)) == 1  # generated; the apply will retry
    pending = worker.store.require(job_id)
    assert (pending.status, pending.apply.status) == ("succeeded", "pending")
    drain(resources.jobs_queue_url)  # the stop loses its message

    # Its lease still runs: asking again queues nothing (a message is thought on its way).
    status, answer, _ = call_api("POST", f"/v1/generations/{job_id}/apply")
    assert status == 202
    assert answer["apply"]["status"] == "pending"
    assert messages_in(resources.jobs_queue_url) == 0

    age_lease(job_id, 3600)
    status, answer, _ = call_api("POST", f"/v1/generations/{job_id}/apply")
    assert status == 202
    assert answer["apply"] == {**answer["apply"], "status": "pending", "attempt": 1}
    # Asked again at once: the lease is fresh, nothing more is queued.
    assert call_api("POST", f"/v1/generations/{job_id}/apply")[0] == 202
    assert messages_in(resources.jobs_queue_url) == 1
    queued = receive_event(resources.jobs_queue_url)
    assert bodies(queued) == [{"job_id": job_id, "action": "apply"}]
    deliver(queued)  # applied: the host is back
    assert worker.store.require(job_id).apply.status == "applied"
    assert [d for _, d in callback.delivered] == [f"{job_id}:apply:1"]  # the same request
    assert messages_in(resources.jobs_queue_url) == 0


def test_an_apply_try_holds_the_apply_for_its_lease_however_long_its_message_waited(
    resources: Resources, worker: Worker, reaper: Reaper, callback: FakeCallback
) -> None:
    """Its message waited in a busy queue past the apply's `due_at`: the try that starts
    now holds the apply anew, so neither the sweep nor `POST …/apply` sends another
    message while it runs, and its last try is not given up under it."""
    callback.failures = [
        PipelineError(ErrorCode.HOST_UNAVAILABLE, "Django is down.", retryable=True)
    ]
    job_id = create_job(apply=True)
    run_once(resources.jobs_queue_url)  # generated; the apply waits for its next try
    drain(resources.jobs_queue_url)
    age_lease(job_id, 3600)

    trying = worker.store.set_applying(worker.store.require(job_id))  # a try starts
    assert trying is not None
    assert not trying.due_passed(int(utc_now().timestamp()))
    assert reaper.sweep() == []
    assert call_api("POST", f"/v1/generations/{job_id}/apply")[0] == 202
    assert messages_in(resources.jobs_queue_url) == 0


def test_a_lost_apply_is_queued_again_by_the_reaper_and_applied(
    resources: Resources, settings: Settings, worker: Worker, reaper: Reaper, callback: FakeCallback
) -> None:
    callback.failures = [
        PipelineError(ErrorCode.HOST_UNAVAILABLE, "Django is down.", retryable=True)
    ]
    job_id = create_job(apply=True)
    run_once(resources.jobs_queue_url)
    drain(resources.jobs_queue_url)

    assert reaper.sweep() == []  # its lease runs
    assert reaper.sweep(now=later(settings)) == [Settled.APPLY_REQUEUED]
    assert run_once(resources.jobs_queue_url) == []
    done = worker.store.require(job_id)
    assert done.apply.status == "applied"
    # The same apply request: the host sees the same webhook id and drops a replay.
    assert [d for _, d in callback.delivered] == [f"{job_id}:apply:1"]
    assert reaper.sweep(now=later(settings)) == []  # nothing in flight any more


def test_a_dead_lettered_apply_ends_failed_and_can_be_asked_again(
    resources: Resources, settings: Settings, worker: Worker, reaper: Reaper, callback: FakeCallback
) -> None:
    job_id = create_job(apply=True)

    def killed(*_: Any, **__: Any) -> None:
        raise Killed

    original = callback.deliver
    callback.deliver = killed  # type: ignore[method-assign]
    event = receive_event(resources.jobs_queue_url)
    with pytest.raises(Killed):
        worker_handler.handler(event, LambdaContextStub())
    callback.deliver = original  # type: ignore[method-assign]
    assert worker.store.require(job_id).apply.status == "pending"
    drain(resources.jobs_queue_url)  # ...and dead-lettered:
    aws.sqs().send_message(QueueUrl=resources.jobs_dlq_url, MessageBody=event["Records"][0]["body"])

    assert reaper.settle_dead_letters(now=later(settings)) == [Settled.APPLY_GAVE_UP]
    status, job, _ = call_api("GET", f"/v1/generations/{job_id}")
    assert job["status"] == "succeeded"
    assert job["apply"]["status"] == "failed"
    assert job["apply"]["error"]["code"] == GAVE_UP
    assert f"/v1/generations/{job_id}/apply" in job["apply"]["error"]["message"]

    status, again, _ = call_api("POST", f"/v1/generations/{job_id}/apply")
    assert status == 202
    assert again["apply"]["attempt"] == 2
    # The letter stays, and is read again on every run: it ended request 1, not this one.
    age_lease(job_id, 3600)
    assert reaper.settle_dead_letters(now=later(settings)) == [Settled.FINAL]
    assert worker.store.require(job_id).apply.status == "pending"
    assert run_once(resources.jobs_queue_url) == []
    assert worker.store.require(job_id).apply.status == "applied"


def test_an_apply_stopped_on_every_try_gives_up_across_requeues_and_can_be_asked_again(
    resources: Resources, settings: Settings, worker: Worker, reaper: Reaper, callback: FakeCallback
) -> None:
    """The Lambda times out in the callback every time: its tries are counted on the job,
    so the reaper's requeues (fresh messages) end after the last one."""
    job_id = create_job()
    assert run_once(resources.jobs_queue_url) == []
    assert call_api("POST", f"/v1/generations/{job_id}/apply")[0] == 202
    # A record written before apply tries were counted has none.
    aws.dynamodb().update_item(
        TableName=settings.jobs_table_name,
        Key={"job_id": {"S": job_id}},
        UpdateExpression="REMOVE #apply.tries",
        ExpressionAttributeNames={"#apply": "apply"},
    )
    assert worker.store.require(job_id).apply.tries == 0

    def killed(*_: Any, **__: Any) -> None:
        raise Killed

    original = callback.deliver
    callback.deliver = killed  # type: ignore[method-assign]
    tries = settings.worker_max_receive_count
    when = later(settings)
    for tried in range(1, tries + 1):
        event = receive_event(resources.jobs_queue_url)
        assert event["Records"][0]["attributes"]["ApproximateReceiveCount"] == "1"
        with pytest.raises(Killed):
            worker_handler.handler(event, LambdaContextStub())
        assert worker.store.require(job_id).apply.tries == tried
        age_lease(job_id, 3600)  # the reaper comes long after the stopped try's lease
        when += timedelta(seconds=settings.job_lease_s + settings.reaper_grace_s + 5)
        settled = Settled.APPLY_REQUEUED if tried < tries else Settled.APPLY_GAVE_UP
        assert reaper.sweep(now=when) == [settled]
    callback.deliver = original  # type: ignore[method-assign]

    status, job, _ = call_api("GET", f"/v1/generations/{job_id}")
    assert (job["status"], job["apply"]["status"]) == ("succeeded", "failed")
    assert job["apply"]["error"]["code"] == GAVE_UP
    assert f"after {tries} tries" in job["apply"]["error"]["message"]
    assert "tries" not in job["apply"]  # the count is the table's, not the API's

    status, again, _ = call_api("POST", f"/v1/generations/{job_id}/apply")
    assert status == 202
    assert again["apply"]["attempt"] == 2
    assert worker.store.require(job_id).apply.tries == 0
    assert run_once(resources.jobs_queue_url) == []
    done = worker.store.require(job_id)
    assert (done.apply.status, done.apply.tries) == ("applied", 1)
    assert [d for _, d in callback.delivered] == [f"{job_id}:apply:2"]
