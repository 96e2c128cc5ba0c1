"""No job left in flight forever: a worker killed on its last receive, a message lost at a
stop of the local stack, an apply whose message is gone, and the operator's redrive.

moto, the local Gemini server through the real SDK, the real worker, reaper and CLI; only
the host's two ports are fakes. The clock is moved by passing `now` to the reaper (what
the schedule would find that much later), or by ageing the stored lease."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from identity_images.adapters import aws
from identity_images.engine.preview import make_preview
from identity_images.errors import ErrorCode, PipelineError
from identity_images.handlers import reaper as reaper_handler
from identity_images.handlers import worker as worker_handler
from identity_images.logic import storing
from identity_images.logic.reaper import Reaper, Settled, build_reaper
from identity_images.logic.worker import Worker
from identity_images.models.jobs import Job, JobMessage, utc_now
from identity_images.settings import Settings, get_settings
from local_stack.aws_resources import Resources, create_all
from local_stack.cli import main as cli
from local_stack.gemini_server import LocalGeminiServer
from local_stack.persistence import Snapshots
from local_stack.stack import LocalStack, StackOptions, snapshot_scope
from tests.support.aws_state import bodies, messages_in, put_reference
from tests.support.fakes import ADMIN_ID, ADMIN_IDENTITY, FakeCallback
from tests.support.lambdas import LambdaContextStub, call_api, deliver, drain, receive_event

REFS = [f"uploads/{ADMIN_ID}/up1/1.jpg"]
GAVE_UP = ErrorCode.WORKER_GAVE_UP.value


class Killed(BaseException):
    """What the runtime does to a timed-out or out-of-memory function: the handler never
    returns (no answer, no batch item failures, nothing after it runs)."""


@pytest.fixture
def reaper(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Reaper:
    built = build_reaper(settings)
    monkeypatch.setattr(reaper_handler, "get_reaper", lambda: built)
    return built


@pytest.fixture(autouse=True)
def _references(api_app: None) -> None:
    for key in REFS:
        put_reference(key)


def create_job(**overrides: Any) -> str:
    body = {
        "identity_id": ADMIN_IDENTITY,
        "reference_keys": REFS,
        "aspect_ratio": "1:1",
        "image_size": "1K",
        **overrides,
    }
    status, job, _ = call_api("POST", "/v1/generations", body=body)
    assert status == 202, job
    return str(job["id"])


def run_once(queue_url: str) -> list[str]:
    event = receive_event(queue_url)
    assert event["Records"], "expected a message on the queue"
    return deliver(event)


def later(settings: Settings) -> datetime:
    """When the schedule finds a lapsed lease lapsed long enough."""
    return utc_now() + timedelta(seconds=settings.job_lease_s + settings.reaper_grace_s + 5)


def kill_on_last_receive(
    resources: Resources,
    settings: Settings,
    worker: Worker,
    job_id: str,
    gemini: LocalGeminiServer,
    monkeypatch: pytest.MonkeyPatch,
    *,
    making_the_preview: bool = False,
) -> None:
    """Every receive but the last fails (Gemini 503); on the last the function is killed
    mid-run (in the Gemini call, or `making_the_preview` of the output it stored); SQS
    then moves the message to the dead-letter queue on its next receive."""
    tries = settings.worker_max_receive_count
    gemini.fail_next("http_503", tries - 1)
    for _ in range(tries - 1):
        assert len(run_once(resources.jobs_queue_url)) == 1
    assert worker.store.require(job_id).status == "queued"

    def killed(*_: Any, **__: Any) -> Any:
        raise Killed

    if making_the_preview:
        monkeypatch.setattr(storing, "make_preview", killed)
    else:
        monkeypatch.setattr(worker_handler, "get_worker", lambda: replace(worker, generate=killed))
    event = receive_event(resources.jobs_queue_url)
    assert event["Records"][0]["attributes"]["ApproximateReceiveCount"] == str(tries)
    with pytest.raises(Killed):
        worker_handler.handler(event, LambdaContextStub())
    running = worker.store.require(job_id)
    assert running.status == "running"
    assert running.attempts == tries
    # The visibility timeout passes; the next receive moves it to the dead-letter queue.
    aws.sqs().change_message_visibility(
        QueueUrl=resources.jobs_queue_url,
        ReceiptHandle=event["Records"][0]["receiptHandle"],
        VisibilityTimeout=0,
    )
    assert receive_event(resources.jobs_queue_url)["Records"] == []
    assert messages_in(resources.jobs_dlq_url) == 1
    monkeypatch.setattr(worker_handler, "get_worker", lambda: worker)  # a new container
    monkeypatch.setattr(storing, "make_preview", make_preview)


def dead_letter_bodies(reaper: Reaper) -> list[dict[str, Any]]:
    """What the dead-letter queue holds, read as the reaper reads it (nothing removed)."""
    letters = reaper.dead_letters.peek()
    reaper.dead_letters.release(letters)
    return [json.loads(letter.body) for letter in letters]


def dead_letters_json(*args: str) -> tuple[int, dict[str, Any]]:
    out, err = io.StringIO(), io.StringIO()
    code = cli(["dead-letters", *args, "--json"], stdout=out, stderr=err)
    return code, json.loads(out.getvalue())


# --- a worker killed on its last receive ----------------------------------------------


def test_a_worker_killed_on_its_last_receive_ends_the_job_worker_gave_up(
    resources: Resources,
    settings: Settings,
    worker: Worker,
    reaper: Reaper,
    gemini: LocalGeminiServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job_id = create_job(apply=True)
    kill_on_last_receive(resources, settings, worker, job_id, gemini, monkeypatch)

    # While the dead worker's lease runs, the job is left to it.
    assert reaper.settle_dead_letters() == [Settled.HELD]
    assert worker.store.require(job_id).status == "running"

    assert reaper.run(now=later(settings)).outcomes == [Settled.GAVE_UP]
    status, job, _ = call_api("GET", f"/v1/generations/{job_id}")
    assert status == 200
    assert job["status"] == "failed"
    assert job["error"]["code"] == GAVE_UP
    assert "gave up" in job["error"]["message"]
    assert "redrive" in job["error"]["message"]
    assert job["attempts"] == settings.worker_max_receive_count
    assert job["apply"]["status"] == "failed"
    assert job["apply"]["error"]["code"] == "generation_not_ready"
    assert "failed" in job["apply"]["error"]["message"]
    assert job["finished_at"]
    # The letter stays for the operator, visible; the job, final now, is left as it is.
    assert dead_letter_bodies(reaper) == [{"job_id": job_id, "action": "generate"}]
    assert reaper.run(now=later(settings)).outcomes == [Settled.FINAL]
    assert worker.store.require(job_id).error == Job.model_validate(job).error


def test_a_worker_killed_after_storing_on_its_last_receive_has_its_output_recorded(
    resources: Resources,
    settings: Settings,
    worker: Worker,
    reaper: Reaper,
    gemini: LocalGeminiServer,
    callback: FakeCallback,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Out of memory making the preview of the output it had just stored, on its last try:
    the reaper finds the output in the bucket and records it; Gemini was paid once."""
    job_id = create_job(apply=True)
    kill_on_last_receive(
        resources, settings, worker, job_id, gemini, monkeypatch, making_the_preview=True
    )
    calls = gemini.generate_calls

    assert reaper.settle_dead_letters(now=later(settings)) == [Settled.RECORDED]
    status, job, _ = call_api("GET", f"/v1/generations/{job_id}")
    assert (status, job["status"], job["error"]) == (200, "succeeded", None)
    assert job["attempts"] == settings.worker_max_receive_count
    assert job["output"]["preview"] is None  # it was being made when the worker died
    assert job["output"]["url"]
    assert job["usage"]["total_tokens"] > 0
    # Its apply is queued, and goes through the worker as any other.
    assert run_once(resources.jobs_queue_url) == []
    assert worker.store.require(job_id).apply.status == "applied"
    [(assignment, _)] = callback.delivered
    assert assignment.image_path == job["output"]["key"]
    assert gemini.generate_calls == calls  # never called again
    assert dead_letter_bodies(reaper) == [{"job_id": job_id, "action": "generate"}]
    assert reaper.run(now=later(settings)).outcomes == [Settled.FINAL]


def test_an_apply_queued_with_a_recorded_output_outlives_the_jobs_kept_dead_letter(
    resources: Resources,
    settings: Settings,
    worker: Worker,
    reaper: Reaper,
    gemini: LocalGeminiServer,
    callback: FakeCallback,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The reaper records the output a stopped last try stored and queues its apply, and
    that message is lost. The job's generate letter, kept for the operator, never carried
    the apply: a later run leaves it to the sweep, which queues it again (the same
    request), and the image is saved. Nothing ends failed."""
    job_id = create_job(apply=True)
    kill_on_last_receive(
        resources, settings, worker, job_id, gemini, monkeypatch, making_the_preview=True
    )
    assert reaper.settle_dead_letters(now=later(settings)) == [Settled.RECORDED]
    assert bodies(receive_event(resources.jobs_queue_url)) == [
        {"job_id": job_id, "action": "apply"}
    ]
    drain(resources.jobs_queue_url)  # ...and its message is lost

    lease_and_grace = timedelta(seconds=settings.job_lease_s + settings.reaper_grace_s + 5)
    when = later(settings) + lease_and_grace
    assert reaper.run(now=when).outcomes == [Settled.FINAL, Settled.APPLY_REQUEUED]
    pending = worker.store.require(job_id)
    assert (pending.status, pending.apply.status, pending.apply.error) == (
        "succeeded",
        "pending",
        None,
    )
    assert run_once(resources.jobs_queue_url) == []
    assert worker.store.require(job_id).apply.status == "applied"
    assert [d for _, d in callback.delivered] == [f"{job_id}:apply:1"]
    assert reaper.run(now=when + lease_and_grace).outcomes == [Settled.FINAL]
    assert dead_letter_bodies(reaper) == [{"job_id": job_id, "action": "generate"}]


def test_the_reaper_handler_counts_what_it_gave_up_in_metrics(
    resources: Resources,
    worker: Worker,
    reaper: Reaper,
    capsys: pytest.CaptureFixture[str],
) -> None:
    job_id = create_job()
    drain(resources.jobs_queue_url)
    # A worker claimed it long ago and died; SQS dead-lettered its message.
    stale = worker.store.claim(job_id, now=utc_now() - timedelta(hours=2))
    assert stale is not None
    aws.sqs().send_message(
        QueueUrl=resources.jobs_dlq_url, MessageBody=JobMessage(job_id=job_id).model_dump_json()
    )
    capsys.readouterr()

    summary = reaper_handler.handler({"detail-type": "Scheduled Event"}, LambdaContextStub())

    assert summary["gave_up"] == 1
    assert summary["dead_letters"] == 1
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "_aws" in line]
    metrics = {k: v for blob in emitted for k, v in blob.items() if not k.startswith("_")}
    assert metrics["JobsGaveUp"] == [1.0]
    assert metrics["Reaper_gave_up"] == [1.0]
    assert worker.store.require(job_id).error.code == GAVE_UP  # type: ignore[union-attr]


def test_a_dead_letter_of_a_job_already_failed_is_left_as_it_is(
    resources: Resources,
    settings: Settings,
    worker: Worker,
    reaper: Reaper,
    gemini: LocalGeminiServer,
) -> None:
    job_id = create_job()
    gemini.fail_next("http_503", settings.worker_max_receive_count)
    for _ in range(settings.worker_max_receive_count):
        run_once(resources.jobs_queue_url)
    receive_event(resources.jobs_queue_url)  # SQS moves it to the dead-letter queue
    assert reaper.run(now=later(settings)).outcomes == [Settled.FINAL]
    failed = worker.store.require(job_id)
    assert failed.error is not None
    assert failed.error.code == ErrorCode.PROVIDER_UNAVAILABLE.value
    assert messages_in(resources.jobs_dlq_url) == 1


# --- the apply lease (issue 10) -------------------------------------------------------


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


# --- messages lost at a stop of the local stack ----------------------------------------


@pytest.fixture
def restart(resources: Resources, moto_server: str, tmp_path: Path) -> Callable[[], None]:
    """Save the state as a clean stop does, wipe moto, create the resources and restore
    it as the next start does: what was in flight is lost."""

    def run() -> None:
        def snapshots() -> Snapshots:
            return Snapshots(tmp_path, aws.s3(), aws.dynamodb(), aws.sqs())

        scope = snapshot_scope(resources)  # what the stack saves
        snapshots().save(scope)
        httpx.post(f"{moto_server}/moto-api/reset").raise_for_status()
        aws.reset_clients()
        assert create_all(get_settings()) == resources
        snapshots().restore(scope)

    return run


def recover_on_start() -> None:
    """What `identity-images serve` does on start, before its pollers."""
    LocalStack(StackOptions(persist=False))._recover_jobs_in_flight()


def test_a_message_lost_at_a_local_stop_is_queued_again_on_the_next_start(
    resources: Resources, worker: Worker, restart: Callable[[], None], gemini: LocalGeminiServer
) -> None:
    first, second = create_job(), create_job()
    # A poller holds one message (a run in progress, or a backoff) as the stack stops.
    (held,) = bodies(receive_event(resources.jobs_queue_url, max_messages=1))
    lost = held["job_id"]
    kept = first if lost == second else second
    assert worker.store.claim(lost) is not None

    restart()
    assert worker.store.require(lost).status == "running"  # and no message will run it
    assert messages_in(resources.jobs_queue_url) == 1  # the other one's, saved and restored

    recover_on_start()
    recovered = worker.store.require(lost)
    assert (recovered.status, recovered.attempts) == ("queued", 1)
    assert worker.store.require(kept).status == "queued"

    calls = gemini.generate_calls
    while messages_in(resources.jobs_queue_url):  # the restored one gets a twin: harmless
        assert run_once(resources.jobs_queue_url) == []
    for job_id, attempts in ((lost, 2), (kept, 1)):
        _, done, _ = call_api("GET", f"/v1/generations/{job_id}")
        assert (done["status"], done["attempts"]) == ("succeeded", attempts)
    assert gemini.generate_calls == calls + 2  # each job ran once


def test_a_job_lost_at_a_local_stop_on_its_last_try_ends_worker_gave_up(
    resources: Resources, settings: Settings, worker: Worker, restart: Callable[[], None]
) -> None:
    job_id = create_job()
    for _ in range(settings.worker_max_receive_count - 1):
        claimed = worker.store.claim(job_id)
        assert claimed is not None
        worker.store.requeue(claimed)
    assert worker.store.claim(job_id) is not None  # the last try, at the stop
    drain(resources.jobs_queue_url)

    restart()
    recover_on_start()

    status, job, _ = call_api("GET", f"/v1/generations/{job_id}")
    assert status == 200
    assert job["status"] == "failed"
    assert job["error"]["code"] == GAVE_UP
    assert "lost" in job["error"]["message"]
    assert messages_in(resources.jobs_queue_url) == 0


def test_a_lost_running_job_queued_again_keeps_no_stage(
    resources: Resources, settings: Settings, worker: Worker, reaper: Reaper
) -> None:
    """Queued, and not also `generating`: its dead worker's stage is gone with it."""
    job_id = create_job()
    drain(resources.jobs_queue_url)
    claimed = worker.store.claim(job_id)
    assert claimed is not None
    worker.store.set_stage(claimed, "generating")
    assert reaper.sweep(later(settings)) == [Settled.REQUEUED]
    job = worker.store.require(job_id)
    assert (job.status, job.stage, job.stage_started_at) == ("queued", None, None)


def test_dead_letters_survive_a_local_restart_for_the_operator(
    resources: Resources,
    settings: Settings,
    worker: Worker,
    reaper: Reaper,
    gemini: LocalGeminiServer,
    monkeypatch: pytest.MonkeyPatch,
    restart: Callable[[], None],
) -> None:
    job_id = create_job()
    kill_on_last_receive(resources, settings, worker, job_id, gemini, monkeypatch)
    assert reaper.run(now=later(settings)).outcomes == [Settled.GAVE_UP]
    aws.sqs().send_message(QueueUrl=resources.regeneration_dlq_url, MessageBody="a lost notice")

    restart()
    recover_on_start()

    assert messages_in(resources.regeneration_dlq_url) == 1
    _, listed = dead_letters_json("list")
    assert [letter["job_id"] for letter in listed["dead_letters"]] == [job_id]
    code, answer = dead_letters_json("redrive", job_id)
    assert code == 0
    assert [r["outcome"] for r in answer["redriven"]] == ["reopened"]
    assert run_once(resources.jobs_queue_url) == []
    assert worker.store.require(job_id).status == "succeeded"


def test_the_sweep_leaves_jobs_whose_lease_runs_and_forgets_finished_ones(
    resources: Resources, settings: Settings, worker: Worker, reaper: Reaper
) -> None:
    job_id = create_job()
    assert reaper.sweep() == []  # just queued: its message is on its way
    assert run_once(resources.jobs_queue_url) == []
    assert worker.store.require(job_id).status == "succeeded"
    assert reaper.sweep(now=later(settings) + timedelta(hours=1)) == []  # out of the index


# --- the operator's redrive -------------------------------------------------------------


def test_a_redrive_reopens_the_job_with_its_attempts_counted(
    resources: Resources,
    settings: Settings,
    worker: Worker,
    reaper: Reaper,
    gemini: LocalGeminiServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job_id = create_job(apply=True)
    kill_on_last_receive(resources, settings, worker, job_id, gemini, monkeypatch)
    reaper.run(now=later(settings))
    tries = settings.worker_max_receive_count

    code, listed = dead_letters_json("list")
    assert code == 0
    (letter,) = listed["dead_letters"]
    assert letter["job_id"] == job_id
    assert letter["action"] == "generate"
    assert letter["receive_count"] >= tries
    assert letter["job"]["status"] == "failed"
    assert letter["job"]["error"]["code"] == GAVE_UP
    assert letter["job"]["attempts"] == tries
    assert messages_in(resources.jobs_dlq_url) == 1  # listing takes nothing out

    code, answer = dead_letters_json("redrive", "no-such-job")
    assert code == 1
    assert answer["not_found"] == ["no-such-job"]
    assert messages_in(resources.jobs_dlq_url) == 1

    code, answer = dead_letters_json("redrive", job_id)
    assert code == 0
    assert [r["outcome"] for r in answer["redriven"]] == ["reopened"]
    reopened = worker.store.require(job_id)
    assert reopened.status == "queued"
    assert reopened.attempts == tries  # counted, not reset
    assert reopened.error is None
    assert reopened.apply.status == "pending"  # it had failed only for want of an image
    assert messages_in(resources.jobs_dlq_url) == 0

    assert run_once(resources.jobs_queue_url) == []
    done = worker.store.require(job_id)
    assert (done.status, done.attempts, done.apply.status) == ("succeeded", tries + 1, "applied")


def test_redrive_needs_jobs_or_all_and_lists_in_text(resources: Resources) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert cli(["dead-letters", "redrive"], stdout=out, stderr=err) == 2
    assert "--all" in err.getvalue()
    aws.sqs().send_message(QueueUrl=resources.jobs_dlq_url, MessageBody="not json")
    aws.sqs().send_message(
        QueueUrl=resources.jobs_dlq_url, MessageBody=JobMessage(job_id="gone").model_dump_json()
    )
    out = io.StringIO()
    assert cli(["dead-letters", "list"], stdout=out, stderr=err) == 0
    text = out.getvalue()
    assert text.startswith("2 dead letter(s)")
    assert "not a job message: 'not json'" in text
    assert "job gone  generate" in text
    assert "(the job is gone)" in text
    out = io.StringIO()
    assert cli(["dead-letters", "redrive", "--all"], stdout=out, stderr=err) == 0
    assert "job gone: dropped" in out.getvalue()
    assert "job ?: kept" in out.getvalue()
    assert messages_in(resources.jobs_dlq_url) == 1  # the unreadable one stays
