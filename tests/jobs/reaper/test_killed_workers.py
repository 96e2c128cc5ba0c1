"""No job left in flight forever by a worker killed on its last receive: its message is
dead-lettered, and the reaper ends the job `worker_gave_up`, or records the output it had
stored (and its apply goes on); a letter of a job already failed is left as it is.

moto, the local Gemini server through the real SDK, the real worker and reaper; only the
host's two ports are fakes. The clock is moved by passing `now` to the reaper (what the
schedule would find that much later)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from identity_images.adapters import aws
from identity_images.errors import ErrorCode
from identity_images.handlers import reaper as reaper_handler
from identity_images.logic.reaper import Reaper, Settled
from identity_images.logic.worker import Worker
from identity_images.models.jobs import Job, JobMessage, utc_now
from identity_images.settings import Settings
from local_stack.aws_resources import Resources
from local_stack.gemini_server import LocalGeminiServer
from tests.jobs.reaper.helpers import GAVE_UP, create_job, kill_on_last_receive, later, run_once
from tests.support.aws_state import bodies, messages_in
from tests.support.fakes import FakeCallback
from tests.support.lambdas import LambdaContextStub, call_api, drain, receive_event


def dead_letter_bodies(reaper: Reaper) -> list[dict[str, Any]]:
    """What the dead-letter queue holds, read as the reaper reads it (nothing removed)."""
    letters = reaper.dead_letters.peek()
    reaper.dead_letters.release(letters)
    return [json.loads(letter.body) for letter in letters]


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
