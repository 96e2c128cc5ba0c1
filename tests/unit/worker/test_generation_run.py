"""A delivery's run of a job's generation (`logic.generation_run`): whether there is a try
at all (a held job, or one waiting for its next try, is deferred with a copy of its
message), Gemini paid once (a later try records an output an earlier try stored but could
not record), and a last try stopped mid-run (no try past the limit)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

from identity_images.errors import ErrorCode, PipelineError
from identity_images.logic.worker import Outcome, RetryLater
from identity_images.models.jobs import (
    RETRY_CLOCK_SLACK_S,
    BilledError,
    Job,
    JobMessage,
    JobUsage,
    utc_now,
)
from tests.unit.fakes import png
from tests.unit.worker.helpers import (
    SETTINGS,
    Killed,
    World,
    api_job,
    backoff_over,
    fail_first_succeed,
    lapse_lease,
    run,
    stop_every_try,
)

# --- a claim refused: the job is held, or waits for its next try ----------------------

#: A claim this many seconds before a waiting job's next try, and whether it takes the job.
EARLY = [(0, True), (RETRY_CLOCK_SLACK_S, True), (RETRY_CLOCK_SLACK_S + 1, False)]


@pytest.mark.parametrize(("early_s", "taken"), EARLY)
def test_a_waiting_job_is_claimed_from_the_clocks_slack_before_its_next_try(
    world: World, early_s: int, taken: bool
) -> None:
    """The job's own rule (`Job.due_for_claim`) is the store's."""
    job = api_job(world)
    claimed = world.store.claim(job.id)
    assert claimed is not None
    retry_at = utc_now() + timedelta(seconds=60)
    assert world.store.requeue(claimed, retry_in_s=60, next_attempt_at=retry_at)
    now = retry_at - timedelta(seconds=early_s)
    assert world.store.require(job.id).due_for_claim(now) is taken
    assert (world.store.claim(job.id, now=now) is not None) is taken


def test_a_job_another_delivery_holds_is_deferred_not_run(world: World) -> None:
    job = api_job(world)
    assert world.store.claim(job.id) is not None
    assert run(world, job) == [Outcome.DEFERRED]
    assert world.generate.calls == []
    [again] = world.queue.sent
    assert again.message.job_id == job.id
    assert 1 <= again.delay_s <= world.store.lease_s + 1


def test_a_delivery_while_a_retry_waits_queues_a_copy_for_when_it_is_due(world: World) -> None:
    """Only a delivery once the backoff is over runs the job again: one during the wait
    calls nothing and fails nothing. It may be the retry's own message (a standard
    queue's duplicate) and is deleted, so a copy delayed until the try is due takes its
    place."""
    job = api_job(world)
    world.generate.error = PipelineError(ErrorCode.PROVIDER_UNAVAILABLE, "busy", retryable=True)
    with pytest.raises(RetryLater) as first:
        run(world, job, receive_count=1)
    world.generate.error = None
    assert run(world, job, receive_count=2) == [Outcome.DEFERRED]
    assert len(world.generate.calls) == 1  # not sent to Gemini again
    waiting = world.store.require(job.id)
    assert (waiting.status, waiting.attempts) == ("queued", 1)
    [again] = world.queue.sent
    assert again.message == JobMessage(job_id=job.id, action="generate")
    assert first.value.delay_s - 1 <= again.delay_s <= first.value.delay_s
    # When the copy arrives the try is due: it runs.
    backoff_over(world, job)
    assert run(world, job, receive_count=1) == [Outcome.SUCCEEDED]


def test_a_refused_claim_whose_try_comes_due_within_the_slack_still_queues_a_copy(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The claim refused the job a moment before its try came within the claim's slack:
    this delivery may be the retry's own message, so a copy takes its place; only a try
    already past is left to whoever claimed it."""
    job = api_job(world)
    claimed = world.store.claim(job.id)
    assert claimed is not None
    soon = utc_now() + timedelta(seconds=0.5)
    assert world.store.requeue(claimed, retry_in_s=1, next_attempt_at=soon)
    monkeypatch.setattr(world.store, "claim", lambda job_id: None)  # refused earlier
    assert world.store.require(job.id).due_for_claim(utc_now())  # inside the slack now
    assert run(world, job) == [Outcome.DEFERRED]
    [again] = world.queue.sent
    assert again.delay_s == 1


def test_the_copy_for_a_far_retry_is_delayed_at_most_sqs_limit(world: World) -> None:
    job = api_job(world)
    claimed = world.store.claim(job.id)
    assert claimed is not None
    later = utc_now() + timedelta(hours=1)
    assert world.store.requeue(claimed, retry_in_s=3600, next_attempt_at=later)
    assert run(world, job) == [Outcome.DEFERRED]
    [again] = world.queue.sent
    assert again.delay_s == 900


# --- Gemini paid once: an output stored but not recorded ------------------------------


def test_an_output_stored_but_not_recorded_is_recorded_by_the_next_try_without_gemini(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = api_job(world, apply=True)
    asked = fail_first_succeed(world, monkeypatch)
    with pytest.raises(RuntimeError):  # the message comes back
        run(world, job)
    assert world.store.require(job.id).status == "running"
    stored = dict(world.storage.objects)
    lapse_lease(world, job)

    assert run(world, job, receive_count=2) == [Outcome.SUCCEEDED, Outcome.APPLIED]
    assert len(world.generate.calls) == 1
    done = world.store.require(job.id)
    assert (done.status, done.attempts) == ("succeeded", 2)
    assert done.output == asked["output"]  # the renditions' too
    assert done.output is not None
    assert done.output.preview is not None
    assert done.output.large is not None
    assert done.output.small is not None
    assert (done.usage, done.model) == (asked["usage"], asked["model"])
    assert done.prepared_references == asked["prepared_references"]
    assert [ref.source_key for ref in done.prepared_references] == job.reference_keys
    assert world.storage.objects == stored  # nothing written again
    # Its timings are the recovering try's own: it went through no stage.
    assert asked["timings"].generating_s is not None
    stages = {"preparing_references_s", "generating_s", "storing_s"}
    assert done.timings.model_dump(include=stages) == dict.fromkeys(stages)
    assert done.timings.total_s is not None
    [(assignment, _)] = world.callback.delivered
    assert assignment.image_path == done.output.key


def test_an_output_recorded_later_without_its_renditions_and_references_lacks_them(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped right after the output was written: the rest is best-effort anyway."""
    job = api_job(world)
    asked = fail_first_succeed(world, monkeypatch)
    with pytest.raises(RuntimeError):
        run(world, job)
    for key in list(world.storage.objects):
        if job.id in key and key != asked["output"].key:
            world.storage.delete(key)
    lapse_lease(world, job)

    assert run(world, job, receive_count=2) == [Outcome.SUCCEEDED]
    assert len(world.generate.calls) == 1
    done = world.store.require(job.id)
    assert done.output == asked["output"].model_copy(
        update={"small": None, "preview": None, "large": None}
    )
    assert done.prepared_references == []


@pytest.mark.parametrize(
    "metadata",
    [
        pytest.param(
            {
                "generation-id": "another-job",
                "width": "64",
                "height": "48",
                "filename": "ada.png",
                "model": "fake-model",
                "usage": '{"total_tokens": 8}',
            },
            id="another-jobs",
        ),
        pytest.param(
            {"generation-id": "{job}", "model": "fake-model", "source": "api"},
            id="incomplete",
        ),
    ],
)
def test_an_output_that_is_not_this_jobs_or_incomplete_is_generated_again(
    world: World, metadata: dict[str, str]
) -> None:
    job = api_job(world)
    claimed = world.store.claim(job.id)  # an earlier try, given back
    assert claimed is not None
    world.store.requeue(claimed)
    key = SETTINGS.bucket_layout.output_key(job.identity_id, job.id, "image/png")
    found = {name: job.id if value == "{job}" else value for name, value in metadata.items()}
    world.storage.write(key, b"png", content_type="image/png", metadata=found)

    assert run(world, job, receive_count=2) == [Outcome.SUCCEEDED]
    assert len(world.generate.calls) == 1
    done = world.store.require(job.id)
    assert done.output is not None
    assert done.output.key == key
    assert done.output.bytes == len(png())
    assert world.storage.objects[key].metadata["generation-id"] == job.id


def test_an_output_check_that_s3_refuses_is_retried_not_paid_for_again(world: World) -> None:
    """The worker may list `generated/`: a 403 on the look for an earlier try's output is
    a fault, not "no output", so the job is given back and Gemini is not called."""
    job = api_job(world)
    claimed = world.store.claim(job.id)  # an earlier try, given back
    assert claimed is not None
    world.store.requeue(claimed)
    key = SETTINGS.bucket_layout.output_key(job.identity_id, job.id, "image/png")
    world.storage.denied.add(key)

    with pytest.raises(RetryLater) as retry:
        run(world, job, receive_count=2)
    assert retry.value.error.code == ErrorCode.INTERNAL_ERROR
    assert world.generate.calls == []
    assert world.store.require(job.id).status == "queued"


def test_a_first_try_looks_for_no_earlier_output(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    headed: list[str] = []
    head = world.storage.head

    def counted(key: str) -> Any:
        headed.append(key)
        return head(key)

    monkeypatch.setattr(world.storage, "head", counted)
    job = api_job(world)
    assert run(world, job) == [Outcome.SUCCEEDED]
    assert headed == []


# --- a generation's last try stopped mid-run: no try past the limit --------------------


def test_a_job_whose_last_try_was_stopped_mid_call_ends_worker_gave_up_without_gemini(
    world: World,
) -> None:
    job = api_job(world, apply=True)  # max_attempts 5, the queue's limit 3: 3 tries
    limit = SETTINGS.worker_max_receive_count
    assert len(stop_every_try(world, job)) == limit  # each try with tries left ran
    running = world.store.require(job.id)
    assert (running.status, running.attempts) == ("running", limit)

    assert run(world, job, receive_count=1) == [Outcome.GAVE_UP]
    assert world.generate.calls == []  # no paid call past the limit
    failed = world.store.require(job.id)
    assert (failed.status, failed.attempts) == ("failed", limit)
    assert failed.error is not None
    assert failed.error.code == "worker_gave_up"
    assert "never ended" in failed.error.message
    assert failed.apply.status == "failed"  # there is no image to apply
    assert run(world, job, receive_count=2) == [Outcome.SKIPPED]  # a later copy: done


def test_a_job_at_its_limit_whose_last_try_still_runs_is_deferred_not_ended(
    world: World,
) -> None:
    job = api_job(world, max_attempts=2)
    claimed = world.store.claim(job.id)
    assert claimed is not None
    world.store.requeue(claimed)
    assert world.store.claim(job.id) is not None  # the last try, still running
    assert run(world, job) == [Outcome.DEFERRED]
    assert world.generate.calls == []
    held = world.store.require(job.id)
    assert (held.status, held.attempts) == ("running", 2)
    [again] = world.queue.sent  # looked at again once its lease is over
    assert again.message.job_id == job.id


def test_a_job_whose_last_try_stored_its_output_before_it_was_stopped_records_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped between the S3 write and the `succeeded` write, on its last try."""
    job = api_job(world, apply=True, max_attempts=2)
    claimed = world.store.claim(job.id)  # the first try, given back
    assert claimed is not None
    world.store.requeue(claimed)
    succeed = world.store.succeed
    asked: dict[str, Any] = {}

    def stopped(job: Job, **kwargs: Any) -> Job | None:
        asked.update(kwargs)
        raise Killed

    monkeypatch.setattr(world.store, "succeed", stopped)
    with pytest.raises(Killed):
        run(world, job)
    monkeypatch.setattr(world.store, "succeed", succeed)
    lapse_lease(world, job)

    assert run(world, job, receive_count=2) == [Outcome.SUCCEEDED, Outcome.APPLIED]
    assert len(world.generate.calls) == 1  # the last try's own
    done = world.store.require(job.id)
    assert (done.status, done.attempts) == ("succeeded", 2)  # no claim past the limit
    assert done.output == asked["output"]
    assert done.prepared_references == asked["prepared_references"]
    assert done.apply.status == "applied"


# --- the last try never throws a paid output away ---------------------------------------


def test_a_last_try_that_cannot_look_for_an_earlier_output_leaves_the_job_to_a_later_look(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The earlier try stored its output and could not record it; the last try's look gets
    a fault from S3. The job is not ended `internal_error` (its paid output would be lost):
    the fault is raised, the message comes back, and the next look records the output."""
    job = api_job(world, max_attempts=2)
    asked = fail_first_succeed(world, monkeypatch)
    with pytest.raises(RuntimeError):  # the first try stored, then could not record
        run(world, job)
    lapse_lease(world, job)
    key = SETTINGS.bucket_layout.output_key(job.identity_id, job.id, "image/png")
    world.storage.denied.add(key)

    with pytest.raises(ClientError):  # the last try: the message comes back
        run(world, job, receive_count=2)
    left = world.store.require(job.id)
    assert (left.status, left.attempts, left.output) == ("running", 2, None)

    world.storage.denied.clear()
    lapse_lease(world, job)
    assert run(world, job, receive_count=3) == [Outcome.SUCCEEDED]
    done = world.store.require(job.id)
    assert done.output == asked["output"]
    assert len(world.generate.calls) == 1


def landed_then_timed_out(world: World, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The output's write lands in S3, and its answer is lost (a read timeout)."""
    write = world.storage.write
    landed: list[str] = []

    def timed_out(key: str, data: bytes, **kwargs: Any) -> None:
        write(key, data, **kwargs)
        if "/generated/" in f"/{key}" and not landed:
            landed.append(key)
            raise ReadTimeoutError(endpoint_url=f"https://s3.example/{key}")

    monkeypatch.setattr(world.storage, "write", timed_out)
    return landed


@pytest.mark.parametrize("max_attempts", [1, 3])
def test_an_output_whose_write_landed_though_its_answer_was_lost_is_recorded(
    world: World, monkeypatch: pytest.MonkeyPatch, max_attempts: int
) -> None:
    """On any try, the last one too: neither failed (the image lost) nor paid for again."""
    job = api_job(world, max_attempts=max_attempts)
    landed = landed_then_timed_out(world, monkeypatch)

    assert run(world, job) == [Outcome.SUCCEEDED]
    done = world.store.require(job.id)
    assert done.status == "succeeded"
    assert done.output is not None
    assert [done.output.key] == landed
    assert len(world.generate.calls) == 1


def test_a_write_that_did_not_land_fails_the_last_try_as_before(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = api_job(world, max_attempts=1)

    def refused(key: str, data: bytes, **kwargs: Any) -> None:
        raise ClientError({"Error": {"Code": "503", "Message": "Slow Down"}}, "PutObject")

    monkeypatch.setattr(world.storage, "write", refused)
    with pytest.raises(RetryLater):
        run(world, job)
    ended = world.store.require(job.id)
    assert (ended.status, ended.output) == ("failed", None)
    assert ended.error is not None
    assert ended.error.code == ErrorCode.INTERNAL_ERROR
    # Gemini answered with the image the bucket refused: that call was billed.
    assert ended.usage is not None
    assert ended.usage.total_tokens == 8


def test_a_retried_answer_without_an_image_is_counted_with_the_next_tries(world: World) -> None:
    """Each answer Gemini gave was billed, the one without an image too: the job's usage
    is what all its tries cost, kept on the job while it waits for the next."""
    job = api_job(world)
    no_image = PipelineError(ErrorCode.NO_IMAGE, "No image in the answer.", retryable=True)
    world.generate.error = BilledError(no_image, JobUsage(prompt_tokens=3, total_tokens=3))
    with pytest.raises(RetryLater):
        run(world, job)
    waiting = world.store.require(job.id)
    assert waiting.status == "queued"
    assert waiting.usage is not None
    assert waiting.usage.total_tokens == 3

    world.generate.error = None
    backoff_over(world, job)
    assert run(world, job, receive_count=2) == [Outcome.SUCCEEDED]
    done = world.store.require(job.id)
    assert done.usage is not None
    assert (done.usage.prompt_tokens, done.usage.total_tokens) == (3 + 3, 3 + 8)
