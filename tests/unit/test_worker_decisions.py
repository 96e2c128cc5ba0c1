"""The worker's decisions over in-memory ports: no moto, no Gemini server, no Lambda."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from identity_images.engine.generation import (
    GenerationRequest,
    StageHook,
)
from identity_images.errors import ErrorCode, PipelineError
from identity_images.logic import storing
from identity_images.logic.reaper import Reaper, Settled
from identity_images.logic.worker import Outcome, RetryLater, Worker
from identity_images.models.jobs import RETRY_CLOCK_SLACK_S, Job, JobMessage, utc_now
from identity_images.models.ports import MAX_DELAY_S, QueuedMessage
from identity_images.settings import Settings
from tests.support.fakes import ADMIN_IDENTITY, FakeCallback, FakeHost
from tests.unit.fakes import (
    FakeGenerate,
    MemoryJobQueue,
    MemoryJobStore,
    MemoryObjectStore,
    png,
)

#: A claim this many seconds before a waiting job's next try, and whether it takes the job.
EARLY = [(0, True), (RETRY_CLOCK_SLACK_S, True), (RETRY_CLOCK_SLACK_S + 1, False)]
SETTINGS = Settings(worker_max_receive_count=3, worker_backoff_base_s=10, upload_max_files=2)
FOLDER = SETTINGS.bucket_layout.reference_folder(ADMIN_IDENTITY)


@dataclass
class World:
    store: MemoryJobStore
    queue: MemoryJobQueue
    storage: MemoryObjectStore
    callback: FakeCallback
    generate: FakeGenerate
    worker: Worker


@pytest.fixture
def world() -> World:
    store, queue, storage = MemoryJobStore(), MemoryJobQueue(), MemoryObjectStore()
    callback, generate = FakeCallback(), FakeGenerate()
    worker = Worker(
        store=store,
        queue=queue,
        storage=storage,
        host=FakeHost(),
        callback=callback,
        generate=generate,
        settings=SETTINGS,
    )
    return World(store, queue, storage, callback, generate, worker)


def api_job(world: World, *, apply: bool = False, max_attempts: int = 5) -> Job:
    key = SETTINGS.bucket_layout.upload_key("1", "u1", 1, "image/jpeg")
    world.storage.put(key, b"photo")
    job = Job.new(
        identity_id=ADMIN_IDENTITY,
        user_id="1",
        created_by="1",
        reference_keys=[key],
        prompt="",
        aspect_ratio="1:1",
        image_size="1K",
        apply=apply,
        max_attempts=max_attempts,
    )
    world.store.create(job)
    return job


def folder_job(world: World) -> Job:
    job = Job.new(
        identity_id=ADMIN_IDENTITY,
        user_id="1",
        created_by="system",
        reference_keys=[],
        prompt="",
        aspect_ratio="1:1",
        image_size="1K",
        apply=False,
        source="s3_event",
    )
    world.store.create(job)
    return job


def run(world: World, job: Job, receive_count: int = 1) -> list[Outcome]:
    return world.worker.handle(JobMessage(job_id=job.id), receive_count=receive_count)


def test_a_job_succeeds_with_its_output_preview_and_usage_stored(world: World) -> None:
    job = api_job(world)
    assert run(world, job) == [Outcome.SUCCEEDED]
    done = world.store.require(job.id)
    assert done.status == "succeeded"
    assert done.output is not None
    assert done.output.key in world.storage.objects
    assert done.output.preview is not None
    assert done.output.preview.key in world.storage.objects
    assert done.usage is not None
    assert done.usage.total_tokens == 8
    assert [ref.source_key for ref in done.prepared_references] == job.reference_keys


def test_a_preview_that_cannot_be_made_leaves_the_job_succeeded_without_one(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise PipelineError(ErrorCode.INTERNAL_ERROR, "unreadable", retryable=True)

    monkeypatch.setattr(storing, "make_preview", broken)
    job = api_job(world, apply=True)
    assert run(world, job) == [Outcome.SUCCEEDED, Outcome.APPLIED]
    done = world.store.require(job.id)
    assert done.output is not None
    assert done.output.key in world.storage.objects
    assert done.output.preview is None
    assert len(world.generate.calls) == 1


def test_references_that_cannot_be_kept_leave_the_job_succeeded_without_them(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    write = world.storage.write

    def refuse_prepared(key: str, data: bytes, **kwargs: Any) -> None:
        if key.startswith(SETTINGS.bucket_layout.prepared):
            raise PipelineError(ErrorCode.INTERNAL_ERROR, "S3 is down", retryable=True)
        write(key, data, **kwargs)

    monkeypatch.setattr(world.storage, "write", refuse_prepared)
    job = api_job(world)
    assert run(world, job) == [Outcome.SUCCEEDED]
    done = world.store.require(job.id)
    assert done.output is not None
    assert done.output.preview is not None
    assert done.prepared_references == []
    assert len(world.generate.calls) == 1


def test_a_succeeded_job_with_apply_delivers_the_callback(world: World) -> None:
    job = api_job(world, apply=True)
    assert run(world, job) == [Outcome.SUCCEEDED, Outcome.APPLIED]
    [(assignment, delivery_id)] = world.callback.delivered
    assert assignment.identity_id == ADMIN_IDENTITY
    assert delivery_id == f"{job.id}:apply:1"
    assert world.store.require(job.id).apply.status == "applied"


def backoff_over(world: World, job: Job) -> None:
    """The wait before the job's next try has passed (its message comes back now)."""
    waiting = world.store.require(job.id)
    assert waiting.next_attempt_at is not None
    earlier = waiting.next_attempt_at - timedelta(seconds=SETTINGS.worker_backoff_max_s)
    world.store.jobs[job.id] = waiting.model_copy(update={"next_attempt_at": earlier})


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


def test_a_final_error_fails_the_job_and_the_message_is_done(world: World) -> None:
    job = api_job(world)
    world.generate.error = PipelineError(ErrorCode.CONTENT_BLOCKED, "blocked")
    assert run(world, job) == [Outcome.FAILED]
    assert world.store.require(job.id).status == "failed"


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


def test_a_canceled_or_missing_job_is_skipped(world: World) -> None:
    job = api_job(world)
    world.store.cancel(job)
    assert run(world, job) == [Outcome.SKIPPED]
    assert world.worker.handle(JobMessage(job_id="gone"), receive_count=1) == [Outcome.SKIPPED]
    assert world.generate.calls == []


def test_a_missing_upload_names_the_reference_by_key_and_index(world: World) -> None:
    job = api_job(world)
    world.storage.delete(job.reference_keys[0])
    assert run(world, job) == [Outcome.FAILED]
    error = world.store.require(job.id).error
    assert error is not None
    assert error.code == "reference_not_found"
    assert error.details["key"] == job.reference_keys[0]
    assert error.details["index"] == 0


def test_a_regeneration_picks_the_newest_references_up_to_the_limit(world: World) -> None:
    for name in ("a", "b", "c"):
        world.storage.put(f"{FOLDER}{name}.jpg", b"photo")
    job = folder_job(world)
    assert run(world, job) == [Outcome.SUCCEEDED]
    assert world.generate.calls == [[f"{FOLDER}c.jpg", f"{FOLDER}b.jpg"]]
    assert world.store.require(job.id).reference_keys == [f"{FOLDER}c.jpg", f"{FOLDER}b.jpg"]


def test_a_regeneration_drops_a_refused_file_for_the_next_one(world: World) -> None:
    for name in ("a", "b", "c"):
        world.storage.put(f"{FOLDER}{name}.jpg", b"photo")
    world.generate.refuse = {f"{FOLDER}c.jpg"}
    job = folder_job(world)
    assert run(world, job) == [Outcome.SUCCEEDED]
    assert world.generate.calls[-1] == [f"{FOLDER}b.jpg", f"{FOLDER}a.jpg"]
    assert world.store.require(job.id).reference_keys == [f"{FOLDER}b.jpg", f"{FOLDER}a.jpg"]


def test_a_regeneration_with_no_usable_file_fails_naming_the_skipped(world: World) -> None:
    world.storage.put(f"{FOLDER}a.jpg", b"photo")
    world.generate.refuse = {f"{FOLDER}a.jpg"}
    job = folder_job(world)
    assert run(world, job) == [Outcome.FAILED]
    error = world.store.require(job.id).error
    assert error is not None
    assert error.code == "reference_invalid"
    assert error.details == {"folder": FOLDER, "skipped": [f"{FOLDER}a.jpg"]}


def test_a_superseded_apply_is_not_a_failure(world: World) -> None:
    job = api_job(world, apply=True)
    world.callback.failures.append(PipelineError(ErrorCode.SUPERSEDED, "newer decision"))
    assert run(world, job) == [Outcome.SUCCEEDED, Outcome.SUPERSEDED]
    assert world.store.require(job.id).apply.status == "superseded"


# --- Gemini paid once: an output stored but not recorded ------------------------------


def lapse_lease(world: World, job: Job) -> None:
    """Time passes: the lease of the try that holds the job (or its apply) runs out."""
    held = world.store.require(job.id)
    world.store.jobs[job.id] = held.model_copy(update={"lease_expires_at": 0, "due_at": 0})


def fail_first_succeed(world: World, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The first `succeed` raises (DynamoDB throttled past boto3's retries); returns what
    that try asked to record."""
    succeed = world.store.succeed
    asked: dict[str, Any] = {}

    def throttled_once(job: Job, **kwargs: Any) -> Job | None:
        if not asked:
            asked.update(kwargs)
            raise RuntimeError("ProvisionedThroughputExceededException")
        return succeed(job, **kwargs)

    monkeypatch.setattr(world.store, "succeed", throttled_once)
    return asked


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
    assert done.output == asked["output"]  # the preview's too
    assert done.output is not None
    assert done.output.preview is not None
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


def test_an_output_recorded_later_without_its_preview_and_references_lacks_them(
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
    assert done.output == asked["output"].model_copy(update={"preview": None})
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


# --- apply tries, counted on the job --------------------------------------------------


class Killed(BaseException):
    """The runtime stopping the function (a timeout) in the callback: nothing after it
    runs, no answer, no batch item failure."""


def apply_message(world: World, job: Job, receive_count: int = 1) -> list[Outcome]:
    message = JobMessage(job_id=job.id, action="apply")
    return world.worker.handle(message, receive_count=receive_count)


def sweeper(world: World, *letters: JobMessage) -> Reaper:
    """The reaper over the world's ports, with `letters` in its dead-letter queue."""
    dead_letters = MemoryJobQueue()
    dead_letters.letters = [
        QueuedMessage(f"letter-{n}", f"receipt-{n}", m.model_dump_json(), 3, utc_now())
        for n, m in enumerate(letters)
    ]
    return Reaper(
        world.store,
        world.queue,
        dead_letters=dead_letters,
        storage=world.storage,
        settings=SETTINGS,
    )


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


# --- a generation's last try stopped mid-run: no try past the limit --------------------


def stop_every_try(world: World, job: Job) -> list[str]:
    """Each try of `job` is stopped in the Gemini call (a timeout, out of memory) and its
    message comes back as a fresh copy (a deferral's, the reaper's: receive count 1)
    once the try's lease is over, until the job's tries are used up: it is left
    `running` at its limit. The ids of the Gemini calls made."""
    called: list[str] = []

    def killed(request: GenerationRequest, /, *, on_stage: StageHook | None = None) -> Any:
        called.append(job.id)
        raise Killed

    stopped = replace(world.worker, generate=killed)
    for _ in range(SETTINGS.worker_max_receive_count):
        with pytest.raises(Killed):
            stopped.handle(JobMessage(job_id=job.id), receive_count=1)
        lapse_lease(world, job)
    return called


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


def killed_making_the_preview(world: World, monkeypatch: pytest.MonkeyPatch, job: Job) -> Job:
    """The job's last try is stopped (out of memory) making the preview of the output it
    stored: left `running` at its limit, its output paid for and in the bucket."""

    def out_of_memory(*_: Any, **__: Any) -> Any:
        raise Killed

    monkeypatch.setattr(storing, "make_preview", out_of_memory)
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
