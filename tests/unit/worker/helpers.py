"""What the worker's tests share: the settings and the reference folder they run with, the
world (the worker over in-memory ports, the fakes of `tests.unit.fakes`), the jobs they
make in it, a delivery of a job's message, and the moves of time and faults they put a
job through (a backoff or a lease that passes, a `succeed` that fails, a try stopped by
the runtime); and the reaper over the same world. The `world` fixture is in
`conftest.py`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import pytest

from identity_images.engine.generation import GenerationRequest, StageHook
from identity_images.logic.reaper import Reaper
from identity_images.logic.worker import Outcome, Worker
from identity_images.models.jobs import Job, JobMessage, utc_now
from identity_images.models.ports import QueuedMessage
from identity_images.settings import Settings
from tests.support.fakes import ADMIN_IDENTITY, FakeCallback
from tests.unit.fakes import FakeGenerate, MemoryJobQueue, MemoryJobStore, MemoryObjectStore

SETTINGS = Settings(worker_max_receive_count=3, worker_backoff_base_s=10, upload_max_files=2)
FOLDER = SETTINGS.bucket_layout.reference_folder(ADMIN_IDENTITY)


@dataclass
class World:
    """The worker over in-memory ports, and the ports a test sets up and looks at."""

    store: MemoryJobStore
    queue: MemoryJobQueue
    storage: MemoryObjectStore
    callback: FakeCallback
    generate: FakeGenerate
    worker: Worker


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


def backoff_over(world: World, job: Job) -> None:
    """The wait before the job's next try has passed (its message comes back now)."""
    waiting = world.store.require(job.id)
    assert waiting.next_attempt_at is not None
    earlier = waiting.next_attempt_at - timedelta(seconds=SETTINGS.worker_backoff_max_s)
    world.store.jobs[job.id] = waiting.model_copy(update={"next_attempt_at": earlier})


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
