"""Messages lost at a stop of the local stack: what was in flight is queued again on the
next start (or ends `worker_gave_up` on its last try), dead letters survive the restart
for the operator, and the sweep requeues a lost running job without its stage and leaves
jobs whose lease runs.

moto, the local Gemini server through the real SDK, the real worker, reaper and local
stack; only the host's two ports are fakes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from identity_images.adapters import aws
from identity_images.logic.reaper import Reaper, Settled
from identity_images.logic.worker import Worker
from identity_images.settings import Settings, get_settings
from local_stack.aws_resources import Resources, create_all
from local_stack.gemini_server import LocalGeminiServer
from local_stack.persistence import Snapshots
from local_stack.stack import LocalStack, StackOptions, snapshot_scope
from tests.jobs.reaper.helpers import (
    GAVE_UP,
    create_job,
    dead_letters_json,
    kill_on_last_receive,
    later,
    run_once,
)
from tests.support.aws_state import bodies, messages_in
from tests.support.lambdas import call_api, drain, receive_event


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
