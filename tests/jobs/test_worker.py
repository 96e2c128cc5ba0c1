"""The worker Lambda with moto, the local Gemini server through the real SDK, and fakes of
the host's ports. Messages are really received from SQS and handed to the handler."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from identity_images.adapters import aws
from identity_images.errors import ErrorCode, PipelineError
from identity_images.handlers import worker as worker_handler
from identity_images.logic.worker import Worker
from identity_images.models.jobs import RETRY_CLOCK_SLACK_S, Job, utc_now
from identity_images.settings import Settings, get_settings
from local_stack.aws_resources import Resources
from local_stack.gemini_server import LocalGeminiServer
from tests.jobs.helpers import REFS, succeed
from tests.jobs.helpers import store as job_store
from tests.support.aws_state import bodies, messages_in
from tests.support.fakes import ADMIN_IDENTITY, FakeCallback
from tests.support.lambdas import LambdaContextStub, call_api, deliver, receive_event


def create_job(**overrides: Any) -> dict[str, Any]:
    body = {
        "identity_id": ADMIN_IDENTITY,
        "reference_keys": REFS,
        "prompt": "Warm light",
        "aspect_ratio": "1:1",
        "image_size": "1K",
        **overrides,
    }
    status, job, _ = call_api("POST", "/v1/generations", body=body)
    assert status == 202, job
    created: dict[str, Any] = job
    return created


def run_once(queue_url: str) -> tuple[dict[str, Any], list[str]]:
    event = receive_event(queue_url)
    assert event["Records"], "expected a message on the queue"
    return event, deliver(event)


pytestmark = pytest.mark.usefixtures("api_app_ready")


def test_one_job_end_to_end_with_apply(
    resources: Resources,
    settings: Settings,
    worker: Worker,
    gemini: LocalGeminiServer,
    callback: FakeCallback,
) -> None:
    calls = gemini.generate_calls
    job = create_job(apply=True)
    _, failed = run_once(resources.jobs_queue_url)
    assert failed == []
    assert gemini.generate_calls == calls + 1

    status, done, _ = call_api("GET", f"/v1/generations/{job['id']}")
    assert status == 200
    assert done["status"] == "succeeded"
    assert done["attempts"] == 1
    assert done["error"] is None
    assert done["finished_at"]
    output = done["output"]
    assert output["key"].startswith(f"generated/identities/{ADMIN_IDENTITY}/{job['id']}.")
    assert (output["width"], output["height"]) == (1024, 1024)
    assert done["usage"]["total_tokens"] > 0
    assert done["usage"]["estimated_cost_usd"] > 0

    head = aws.s3().head_object(Bucket=settings.bucket_name, Key=output["key"])
    assert head["ContentType"] == output["mime_type"]
    assert head["ContentLength"] == output["bytes"]
    # With what a later try records when this one cannot (Gemini is paid once).
    metadata = head["Metadata"]
    assert json.loads(metadata.pop("usage")) == done["usage"]
    assert metadata == {
        "generation-id": job["id"],
        "identity-id": ADMIN_IDENTITY,
        "model": done["model"],
        "source": "api",
        "width": str(output["width"]),
        "height": str(output["height"]),
        "filename": output["filename"],
    }
    downloaded = httpx.get(output["url"]).content
    assert len(downloaded) == output["bytes"]

    assert done["apply"]["status"] == "applied"
    assert done["apply"]["applied_at"]
    [(assignment, delivery_id)] = callback.delivered
    assert delivery_id == f"{job['id']}:apply:1"
    assert assignment.image_path == output["key"]
    assert assignment.size == output["bytes"]
    # a host in copy mode downloads the image from the callback's short-lived URL
    assert assignment.image_url is not None
    assert httpx.get(assignment.image_url).content == downloaded
    assert messages_in(resources.jobs_queue_url) == 0


def test_a_job_of_a_model_without_known_prices_succeeds_with_no_cost(
    resources: Resources, worker: Worker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job records the model the API stamped it with; the worker calls that one and,
    knowing no price for it, records no cost rather than another model's."""
    monkeypatch.setenv("GEMINI_MODEL", "gemini-9-image")
    get_settings.cache_clear()
    job = create_job()
    _, failed = run_once(resources.jobs_queue_url)
    assert failed == []

    status, done, _ = call_api("GET", f"/v1/generations/{job['id']}")
    assert status == 200
    assert (done["status"], done["model"]) == ("succeeded", "gemini-9-image")
    assert done["usage"]["total_tokens"] > 0
    assert done["usage"]["estimated_cost_usd"] is None


def come_back(event: dict[str, Any], job_id: str, settings: Settings, resources: Resources) -> None:
    """The job's lease and its message's visibility timeout are over: the message comes back."""
    aws.dynamodb().update_item(
        TableName=settings.jobs_table_name,
        Key={"job_id": {"S": job_id}},
        UpdateExpression="SET lease_expires_at = :past",
        ExpressionAttributeValues={":past": {"N": "0"}},
    )
    aws.sqs().change_message_visibility(
        QueueUrl=resources.jobs_queue_url,
        ReceiptHandle=event["Records"][0]["receiptHandle"],
        VisibilityTimeout=0,
    )


def test_an_output_stored_but_not_recorded_is_recorded_by_the_next_delivery(
    resources: Resources,
    settings: Settings,
    worker: Worker,
    gemini: LocalGeminiServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The try that paid for the image cannot record it (DynamoDB throttled past boto3's
    retries); the next try finds it in the bucket and records it without Gemini."""
    job = create_job()
    succeed = worker.store.succeed
    asked: list[dict[str, Any]] = []

    def throttled_once(claimed: Job, **kwargs: Any) -> Job | None:
        if not asked:
            asked.append(kwargs)
            code = "ProvisionedThroughputExceededException"
            raise ClientError({"Error": {"Code": code, "Message": "Slow down"}}, "UpdateItem")
        return succeed(claimed, **kwargs)

    monkeypatch.setattr(worker.store, "succeed", throttled_once)
    calls = gemini.generate_calls
    event, failed = run_once(resources.jobs_queue_url)
    assert failed == [event["Records"][0]["messageId"]]
    assert worker.store.require(job["id"]).status == "running"

    # The message comes back once its visibility timeout and the job's lease are over.
    come_back(event, job["id"], settings, resources)
    event, failed = run_once(resources.jobs_queue_url)
    assert event["Records"][0]["attributes"]["ApproximateReceiveCount"] == "2"
    assert failed == []
    assert gemini.generate_calls == calls + 1

    done = worker.store.require(job["id"])
    [first] = asked
    assert (done.status, done.attempts) == ("succeeded", 2)
    assert done.output == first["output"]
    assert done.output is not None
    assert done.output.preview is not None
    assert (done.usage, done.model) == (first["usage"], first["model"])
    assert done.prepared_references == first["prepared_references"]
    assert len(done.prepared_references) == len(REFS)


class Killed(BaseException):
    """What the runtime does to a timed-out or out-of-memory function: the handler never
    returns (no answer, no batch item failures, nothing after it runs)."""


def test_a_job_whose_last_try_was_stopped_mid_call_ends_worker_gave_up_without_gemini(
    resources: Resources,
    settings: Settings,
    worker: Worker,
    gemini: LocalGeminiServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The last try is stopped in the Gemini call; its message (a fresh one, as a reaper
    requeue or a deferred copy sends: receive count 1) comes back after its visibility
    timeout: the job ends `worker_gave_up`, counted where the alarm looks (`JobsGaveUp`),
    and Gemini is not paid once more."""
    job = create_job(apply=True)
    tries = settings.worker_max_receive_count
    for _ in range(tries - 1):  # used up by earlier messages
        claimed = worker.store.claim(job["id"])
        assert claimed is not None
        worker.store.requeue(claimed)

    def killed(*_: Any, **__: Any) -> Any:
        raise Killed

    monkeypatch.setattr(worker_handler, "get_worker", lambda: replace(worker, generate=killed))
    event = receive_event(resources.jobs_queue_url)
    with pytest.raises(Killed):
        worker_handler.handler(event, LambdaContextStub())
    running = worker.store.require(job["id"])
    assert (running.status, running.attempts) == ("running", tries)
    monkeypatch.setattr(worker_handler, "get_worker", lambda: worker)  # a new container

    # The message comes back once its visibility timeout and the job's lease are over.
    come_back(event, job["id"], settings, resources)
    calls = gemini.generate_calls
    capsys.readouterr()
    event, failed = run_once(resources.jobs_queue_url)
    assert event["Records"][0]["attributes"]["ApproximateReceiveCount"] == "2"
    assert failed == []  # the job is ended: the message is done
    assert gemini.generate_calls == calls
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "_aws" in line]
    metrics = {k: v for blob in emitted for k, v in blob.items() if not k.startswith("_")}
    assert metrics["JobsGaveUp"] == [1.0]

    done = worker.store.require(job["id"])
    assert (done.status, done.attempts) == ("failed", tries)
    assert done.error is not None
    assert done.error.code == ErrorCode.WORKER_GAVE_UP.value
    assert done.apply.status == "failed"
    assert messages_in(resources.jobs_queue_url) == 0


def test_two_deliveries_of_one_message_call_gemini_once(
    resources: Resources, worker: Worker, gemini: LocalGeminiServer
) -> None:
    job = create_job()
    event = receive_event(resources.jobs_queue_url)
    calls = gemini.generate_calls
    assert deliver(event) == []
    assert deliver(event) == []  # the same message again (at-least-once delivery)
    assert gemini.generate_calls == calls + 1
    assert worker.store.require(job["id"]).attempts == 1


def test_a_delivery_while_another_holds_the_lease_does_not_run_it(
    resources: Resources, worker: Worker, gemini: LocalGeminiServer
) -> None:
    job = create_job()
    event = receive_event(resources.jobs_queue_url)
    assert worker.store.claim(job["id"]) is not None  # someone else is on it
    calls = gemini.generate_calls
    assert deliver(event) == []  # not a batch failure
    assert gemini.generate_calls == calls
    assert worker.store.require(job["id"]).status == "running"
    # A delayed copy checks again once the lease is over.
    assert messages_in(resources.jobs_queue_url) >= 1


def test_a_duplicate_delivery_while_a_retry_waits_does_not_call_gemini(
    resources: Resources, worker: Worker, gemini: LocalGeminiServer
) -> None:
    """A job given back to wait for its next try is claimed only once that time has come:
    a second delivery of its message during the wait is not sent to Gemini at once. It is
    deleted, and may have been the only copy (here it is): a copy delayed until the try
    is due takes its place, so the job does not wait for the reaper."""
    job = create_job()
    duplicate = receive_event(resources.jobs_queue_url)
    claimed = worker.store.claim(job["id"])
    assert claimed is not None
    waiting = worker.store.requeue(
        claimed, retry_in_s=60, error=_error(), next_attempt_at=utc_now() + timedelta(seconds=60)
    )
    assert waiting is not None
    calls = gemini.generate_calls
    assert deliver(duplicate) == []  # dropped, not a batch failure
    assert gemini.generate_calls == calls
    still = worker.store.require(job["id"])
    assert (still.status, still.attempts) == ("queued", 1)
    assert still.next_attempt_at == waiting.next_attempt_at
    assert receive_event(resources.jobs_queue_url)["Records"] == []  # delayed
    assert messages_in(resources.jobs_queue_url) == 1


def _waiting_for_a_retry(worker: Worker) -> tuple[str, datetime]:
    """A job tried once and waiting a minute for its next try: its id and that time."""
    job = create_job()
    claimed = worker.store.claim(job["id"])
    assert claimed is not None
    retry_at = utc_now() + timedelta(seconds=60)
    assert worker.store.requeue(claimed, retry_in_s=60, error=_error(), next_attempt_at=retry_at)
    return job["id"], retry_at


def test_a_waiting_job_is_claimed_once_its_next_try_is_due(
    resources: Resources, worker: Worker
) -> None:
    store = worker.store
    job_id, retry_at = _waiting_for_a_retry(worker)
    assert store.claim(job_id, now=retry_at - timedelta(seconds=30)) is None
    again = store.claim(job_id, now=retry_at)
    assert again is not None
    assert (again.status, again.attempts, again.next_attempt_at) == ("running", 2, None)


@pytest.mark.parametrize(
    ("early_s", "taken"),
    [(0, True), (RETRY_CLOCK_SLACK_S, True), (RETRY_CLOCK_SLACK_S + 1, False)],
)
def test_the_table_claims_a_waiting_job_by_the_jobs_own_rule(
    resources: Resources, worker: Worker, early_s: int, taken: bool
) -> None:
    """The conditional claim and `Job.due_for_claim` (the fake store's) agree, slack
    included."""
    store = worker.store
    job_id, retry_at = _waiting_for_a_retry(worker)
    now = retry_at - timedelta(seconds=early_s)
    assert store.require(job_id).due_for_claim(now) is taken
    assert (store.claim(job_id, now=now) is not None) is taken


def test_a_job_left_running_is_recovered(
    resources: Resources, worker: Worker, gemini: LocalGeminiServer
) -> None:
    job = create_job()
    # A worker claimed it long ago and died: the lease has lapsed.
    stale = worker.store.claim(job["id"], now=utc_now() - timedelta(minutes=5))
    assert stale is not None
    assert stale.status == "running"
    calls = gemini.generate_calls
    _, failed = run_once(resources.jobs_queue_url)
    assert failed == []
    assert gemini.generate_calls == calls + 1
    done = worker.store.require(job["id"])
    assert done.status == "succeeded"
    assert done.attempts == 2


def test_a_retryable_failure_then_success(
    resources: Resources, worker: Worker, gemini: LocalGeminiServer
) -> None:
    job = create_job()
    gemini.fail_next("http_503", 1)
    event, failed = run_once(resources.jobs_queue_url)
    assert failed == [event["Records"][0]["messageId"]]
    retrying = worker.store.require(job["id"])
    assert retrying.status == "queued"
    assert retrying.attempts == 1

    event, failed = run_once(resources.jobs_queue_url)  # backoff is 0 in the tests
    assert event["Records"][0]["attributes"]["ApproximateReceiveCount"] == "2"
    assert failed == []
    done = worker.store.require(job["id"])
    assert done.status == "succeeded"
    assert done.attempts == 2


def refuse_outputs_once(worker: Worker, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The bucket refuses the first write of a job's output (S3's 503 past boto3's
    retries); returns the keys it refused."""
    write = worker.storage.write
    refused: list[str] = []

    def slow_down_once(key: str, data: bytes, **kwargs: Any) -> None:
        if "/generated/" in f"/{key}" and not refused:
            refused.append(key)
            raise ClientError({"Error": {"Code": "SlowDown", "Message": "Slow down"}}, "PutObject")
        write(key, data, **kwargs)

    monkeypatch.setattr(worker.storage, "write", slow_down_once)
    return refused


def test_a_job_whose_image_could_not_be_stored_counts_both_calls_it_paid_for(
    resources: Resources, worker: Worker, gemini: LocalGeminiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Gemini answered with an image the bucket refused: that call was billed, and so is
    the next try's. The job's usage is both, not only the last."""
    job = create_job()
    refused = refuse_outputs_once(worker, monkeypatch)
    calls = gemini.generate_calls
    event, failed = run_once(resources.jobs_queue_url)
    assert failed == [event["Records"][0]["messageId"]]
    waiting = worker.store.require(job["id"])
    assert (waiting.status, len(refused)) == ("queued", 1)
    assert waiting.usage is not None  # what it was billed for so far, shown as it waits
    first = waiting.usage

    run_once(resources.jobs_queue_url)  # backoff is 0 in the tests
    done = worker.store.require(job["id"])
    assert (done.status, done.attempts, gemini.generate_calls) == ("succeeded", 2, calls + 2)
    assert done.usage is not None
    assert done.usage.total_tokens == 2 * first.total_tokens > 0
    assert done.usage.estimated_cost_usd == pytest.approx(2 * (first.estimated_cost_usd or 0))
    assert (first.estimated_cost_usd or 0) > 0


def test_a_retryable_failure_on_the_last_try_fails_the_job_into_the_dlq(
    resources: Resources, settings: Settings, worker: Worker, gemini: LocalGeminiServer
) -> None:
    job = create_job(apply=True)
    tries = settings.worker_max_receive_count
    gemini.fail_next("http_503", tries)
    for attempt in range(1, tries + 1):
        _, failed = run_once(resources.jobs_queue_url)
        assert len(failed) == 1
        status = worker.store.require(job["id"]).status
        assert status == ("failed" if attempt == tries else "queued")
    failed_job = worker.store.require(job["id"])
    assert failed_job.error is not None
    assert failed_job.error.code == ErrorCode.PROVIDER_UNAVAILABLE.value
    assert failed_job.attempts == tries
    assert failed_job.apply.status == "failed"
    # SQS moves it on the next receive: the queue is empty, the DLQ has it.
    assert receive_event(resources.jobs_queue_url)["Records"] == []
    assert bodies(receive_event(resources.jobs_dlq_url)) == [
        {"job_id": job["id"], "action": "generate"}
    ]


def test_a_final_failure_ends_the_job_without_retrying(
    resources: Resources, worker: Worker, gemini: LocalGeminiServer
) -> None:
    job = create_job()
    gemini.fail_next("image_safety", 1)
    _, failed = run_once(resources.jobs_queue_url)
    assert failed == []  # nothing to retry: the message is done
    done = worker.store.require(job["id"])
    assert done.status == "failed"
    assert done.error is not None
    assert done.error.code == "content_blocked"
    assert done.output is None
    assert messages_in(resources.jobs_queue_url) == 0
    # Gemini answered (200), so it billed the prompt and the photos: the job says so.
    assert done.usage is not None
    assert done.usage.prompt_tokens > 0
    assert 0 < (done.usage.estimated_cost_usd or 0) < 0.134


def test_a_reference_deleted_before_the_run_fails_the_job(
    resources: Resources, settings: Settings, worker: Worker
) -> None:
    job = create_job()
    aws.s3().delete_object(Bucket=settings.bucket_name, Key=REFS[1])
    _, failed = run_once(resources.jobs_queue_url)
    assert failed == []
    done = worker.store.require(job["id"])
    assert done.error is not None
    assert done.error.code == "reference_not_found"


def test_a_duplicate_delivery_while_an_apply_try_runs_waits_for_that_try(
    resources: Resources,
    worker: Worker,
    callback: FakeCallback,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A standard queue may hand one message to two workers at once. The second, while
    the apply's first try (not its last) waits for the host, does not send the host the
    same webhook again: it leaves a copy that looks again when that try's lease ends."""
    job = create_job(apply=True)
    event = receive_event(resources.jobs_queue_url)
    host = callback.deliver
    duplicate: list[dict[str, Any]] = []

    def slow_host(assignment: Any, *, delivery_id: str) -> None:
        if not duplicate:  # the same message, to a second worker, while this one waits
            duplicate.append(worker_handler.handler(event, LambdaContextStub()))
        host(assignment, delivery_id=delivery_id)

    monkeypatch.setattr(callback, "deliver", slow_host)
    assert deliver(event) == []
    assert duplicate == [{"batchItemFailures": []}]  # done, not a batch failure
    assert [d for _, d in callback.delivered] == [f"{job['id']}:apply:1"]
    done = worker.store.require(job["id"])
    assert (done.apply.status, done.apply.tries) == ("applied", 1)
    # The duplicate's copy waits for the try's lease; it will find the apply done.
    assert receive_event(resources.jobs_queue_url)["Records"] == []
    assert messages_in(resources.jobs_queue_url) == 1


def test_apply_rejected_by_the_host_fails_the_apply_only(
    resources: Resources, worker: Worker, callback: FakeCallback
) -> None:
    callback.failures = [PipelineError(ErrorCode.HOST_REJECTED, "Identity is locked.")]
    job = create_job(apply=True)
    _, failed = run_once(resources.jobs_queue_url)
    assert failed == []
    done = worker.store.require(job["id"])
    assert done.status == "succeeded"
    assert done.apply.status == "failed"
    assert done.apply.error is not None
    assert done.apply.error.code == "host_rejected"


def test_an_apply_superseded_by_a_newer_decision_is_recorded_not_retried(
    resources: Resources, worker: Worker, callback: FakeCallback
) -> None:
    callback.failures = [PipelineError(ErrorCode.SUPERSEDED, "A newer image is held.")]
    job = create_job(apply=True)
    _, failed = run_once(resources.jobs_queue_url)
    assert failed == []
    assert callback.attempts == 1
    done = worker.store.require(job["id"])
    assert done.apply.status == "superseded"
    assert done.apply.error is not None
    assert done.apply.error.code == "superseded"
    status, shown, _ = call_api("GET", f"/v1/generations/{job['id']}")
    assert status == 200
    assert shown["apply"]["status"] == "superseded"


def test_each_apply_carries_the_time_it_was_requested(
    resources: Resources, worker: Worker, callback: FakeCallback
) -> None:
    """With the job, the job's creation; by `POST …/apply` (e.g. on an old result from the
    history), that request's time: a newer decision than any apply before it."""
    job = create_job(apply=True)
    run_once(resources.jobs_queue_url)
    created = worker.store.require(job["id"])
    status, again, _ = call_api("POST", f"/v1/generations/{job['id']}/apply")
    assert status == 202
    run_once(resources.jobs_queue_url)
    (first, _), (second, _) = callback.delivered
    assert first.requested_at == created.created_at
    assert second.requested_at > first.requested_at
    assert again["apply"]["requested_at"] is not None


def test_apply_retried_when_the_host_is_down_then_reapplied_by_hand(
    resources: Resources, worker: Worker, callback: FakeCallback, gemini: LocalGeminiServer
) -> None:
    callback.failures = [
        PipelineError(ErrorCode.HOST_UNAVAILABLE, "Django is down.", retryable=True)
    ]
    job = create_job(apply=True)
    _, failed = run_once(resources.jobs_queue_url)
    assert len(failed) == 1
    pending = worker.store.require(job["id"])
    assert pending.status == "succeeded"
    assert pending.apply.status == "pending"

    calls = gemini.generate_calls
    _, failed = run_once(resources.jobs_queue_url)  # the retry applies, it does not regenerate
    assert failed == []
    assert gemini.generate_calls == calls
    assert worker.store.require(job["id"]).apply.status == "applied"

    status, again, _ = call_api("POST", f"/v1/generations/{job['id']}/apply")
    assert status == 202
    assert again["apply"]["attempt"] == 2
    _, failed = run_once(resources.jobs_queue_url)
    assert failed == []
    assert [d for _, d in callback.delivered] == [
        f"{job['id']}:apply:1",
        f"{job['id']}:apply:2",
    ]


def test_a_malformed_message_fails_its_record_only_and_says_why(
    resources: Resources, worker: Worker, caplog: pytest.LogCaptureFixture
) -> None:
    create_job()
    aws.sqs().send_message(QueueUrl=resources.jobs_queue_url, MessageBody="not json")
    event = receive_event(resources.jobs_queue_url)
    assert len(event["Records"]) == 2
    bad = next(r["messageId"] for r in event["Records"] if r["body"] == "not json")
    caplog.clear()
    assert deliver(event) == [bad]
    (failure,) = [r for r in caplog.records if getattr(r, "message_id", None) == bad]
    assert failure.levelname == "WARNING"
    assert failure.__dict__["error_type"] == "ValidationError"
    assert "Invalid JSON" in failure.__dict__["reason"]


def test_finished_jobs_never_go_back(resources: Resources, worker: Worker) -> None:
    job = Job.model_validate(create_job())
    store = worker.store
    claimed = store.claim(job.id)
    assert claimed is not None
    assert store.claim(job.id) is None  # held
    failed = store.fail(claimed, error=_error())
    assert failed is not None
    assert failed.status == "failed"
    assert store.claim(job.id, now=utc_now() + timedelta(hours=1)) is None
    assert store.requeue(claimed) is None
    assert store.request_apply(job.id) is None
    assert store.require(job.id).status == "failed"
    assert json.loads(store.require(job.id).model_dump_json())["status"] == "failed"


def _error() -> Any:
    from identity_images.models.jobs import JobError

    return JobError(code="no_image", message="No image.")


def test_an_apply_asked_again_keeps_the_time_it_was_decided_when_told(
    resources: Resources,
) -> None:
    """A redrive sends an earlier decision again: its `requested_at` stays that decision's,
    so one made since still wins at the host; an admin's new request is now."""
    store = job_store()
    decided = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    first = Job.model_validate(create_job())
    succeed(store, first.id)
    again = store.request_apply(first.id, asked_at=decided)
    assert again is not None
    assert again.apply.status == "pending"
    assert store.require(first.id).apply.requested_at == decided

    second = Job.model_validate(create_job())
    succeed(store, second.id)
    before = utc_now()
    asked = store.request_apply(second.id)
    assert asked is not None
    assert asked.apply.requested_at is not None
    assert asked.apply.requested_at >= before.replace(microsecond=0)
