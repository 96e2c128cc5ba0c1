"""The operator's redrive (`identity-images dead-letters`): listing takes nothing out; a
redrive reopens the job with its attempts counted; `redrive` needs job ids or `--all`,
and `list` reads in text too.

moto, the local Gemini server through the real SDK, the real worker, reaper and CLI; only
the host's two ports are fakes."""

from __future__ import annotations

import io

import pytest

from identity_images.adapters import aws
from identity_images.logic.reaper import Reaper
from identity_images.logic.worker import Worker
from identity_images.models.jobs import JobMessage
from identity_images.settings import Settings
from local_stack.aws_resources import Resources
from local_stack.cli import main as cli
from local_stack.gemini_server import LocalGeminiServer
from tests.jobs.reaper.helpers import (
    GAVE_UP,
    create_job,
    dead_letters_json,
    kill_on_last_receive,
    later,
    run_once,
)
from tests.support.aws_state import messages_in


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
