"""The regenerator's decisions (one job per burst of new references) over in-memory ports."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from identity_images.domain import HostIdentity
from identity_images.errors import ErrorCode, PipelineError
from identity_images.logic.regeneration import Decision, ReferenceCreated, Regenerator
from identity_images.settings import Settings
from tests.support.fakes import ADMIN_IDENTITY, FakeHost
from tests.unit.fakes import (
    MemoryJobQueue,
    MemoryJobStore,
    MemoryObjectStore,
    MemoryRegenerationStates,
)

SETTINGS = Settings(regeneration_debounce_s=60)
FOLDER = SETTINGS.bucket_layout.reference_folder(ADMIN_IDENTITY)


@dataclass
class World:
    store: MemoryJobStore
    states: MemoryRegenerationStates
    queue: MemoryJobQueue
    storage: MemoryObjectStore
    regenerator: Regenerator


@pytest.fixture
def world() -> World:
    store, states = MemoryJobStore(), MemoryRegenerationStates()
    queue, storage = MemoryJobQueue(), MemoryObjectStore()
    regenerator = Regenerator(
        store=store,
        states=states,
        queue=queue,
        storage=storage,
        host=FakeHost(),
        settings=SETTINGS,
    )
    return World(store, states, queue, storage, regenerator)


def upload(world: World, key: str, content_type: str = "image/jpeg") -> Decision:
    world.storage.put(key, b"photo", content_type)
    info = world.storage.head(key)
    assert info is not None
    assert info.last_modified is not None
    event = ReferenceCreated(
        key=key, event_name="ObjectCreated:Put", size=5, event_time=info.last_modified
    )
    return world.regenerator.handle(event)


def test_the_first_photo_starts_one_delayed_regeneration_job(world: World) -> None:
    assert upload(world, f"{FOLDER}a.jpg") == Decision.CREATED
    [job] = world.store.jobs.values()
    assert job.source == "s3_event"
    assert job.status == "queued"
    assert job.reference_keys == []
    [sent] = world.queue.sent
    assert sent.message.job_id == job.id
    assert sent.delay_s == 60
    state = world.states.get(ADMIN_IDENTITY)
    assert state is not None
    assert state.message_sent
    assert state.current_job_id == job.id


def test_a_burst_is_absorbed_by_the_queued_job(world: World) -> None:
    assert upload(world, f"{FOLDER}a.jpg") == Decision.CREATED
    assert upload(world, f"{FOLDER}b.jpg") == Decision.ABSORBED
    assert len(world.store.jobs) == 1
    assert len(world.queue.sent) == 1


def test_a_photo_after_the_job_started_starts_the_next_one(world: World) -> None:
    assert upload(world, f"{FOLDER}a.jpg") == Decision.CREATED
    [job] = world.store.jobs.values()
    started = datetime(2020, 1, 1, tzinfo=UTC)  # long before the next upload
    assert world.store.claim(job.id, now=started) is not None
    assert upload(world, f"{FOLDER}b.jpg") == Decision.CREATED
    assert len(world.store.jobs) == 2


def test_a_photo_while_a_tried_job_waits_for_its_retry_starts_the_next_one(
    world: World,
) -> None:
    """The job is queued again after a try that listed the folder before the photo came:
    its retry may record that try's output, so the photo is not left to it."""
    assert upload(world, f"{FOLDER}a.jpg") == Decision.CREATED
    [job] = world.store.jobs.values()
    claimed = world.store.claim(job.id, now=datetime(2020, 1, 1, tzinfo=UTC))
    assert claimed is not None
    world.store.requeue(claimed)
    assert world.store.require(job.id).status == "queued"
    assert upload(world, f"{FOLDER}b.jpg") == Decision.CREATED
    assert len(world.store.jobs) == 2


def test_an_old_event_for_a_started_job_is_covered(world: World) -> None:
    world.storage.put(f"{FOLDER}a.jpg", b"photo")
    info = world.storage.head(f"{FOLDER}a.jpg")
    assert info is not None
    assert info.last_modified is not None
    event = ReferenceCreated(f"{FOLDER}a.jpg", "ObjectCreated:Put", 5, info.last_modified)
    assert world.regenerator.handle(event) == Decision.CREATED
    [job] = world.store.jobs.values()
    world.store.claim(job.id, now=info.last_modified + timedelta(seconds=5))
    assert world.regenerator.handle(event) == Decision.COVERED  # a duplicate delivery
    assert len(world.store.jobs) == 1


@pytest.mark.parametrize(
    ("key", "content_type"),
    [
        (f"{FOLDER}notes.txt", "text/plain"),  # not an image
        (f"{FOLDER}sub/a.jpg", "image/jpeg"),  # not directly in the folder
        ("uploads/1/u/1.jpg", "image/jpeg"),  # not a reference folder
        (f"{SETTINGS.bucket_layout.reference_folder('30')}a.jpg", "image/jpeg"),  # a customer
        (f"{SETTINGS.bucket_layout.reference_folder('99')}a.jpg", "image/jpeg"),  # unknown
    ],
)
def test_what_is_not_a_served_reference_is_ignored(
    world: World, key: str, content_type: str
) -> None:
    assert upload(world, key, content_type) == Decision.IGNORED
    assert world.store.jobs == {}
    assert world.queue.sent == []


@pytest.mark.parametrize(
    ("key", "event_name", "size", "reason"),
    [
        (f"{FOLDER}a.jpg", "ObjectRemoved:Delete", None, "not an ObjectCreated event"),
        (f"{FOLDER}a.jpg", "ObjectCreated:Put", 0, "an empty object"),
        (f"{FOLDER}sub/a.jpg", "ObjectCreated:Put", 5, "reference folder"),
        ("uploads/1/u/1.jpg", "ObjectCreated:Put", 5, "reference folder"),
    ],
)
def test_an_event_that_is_no_new_reference_is_ignored_with_its_reason(
    world: World,
    caplog: pytest.LogCaptureFixture,
    key: str,
    event_name: str,
    size: int | None,
    reason: str,
) -> None:
    event = ReferenceCreated(key, event_name, size, datetime.now(UTC))
    with caplog.at_level(logging.INFO, logger="identity_images.logic.regeneration"):
        assert world.regenerator.handle(event) == Decision.IGNORED
    (line,) = caplog.records
    assert "ignored" in line.getMessage()
    assert line.__dict__["key"] == key
    assert reason in line.__dict__["reason"]


def test_a_redelivery_after_a_crash_finishes_the_same_job(world: World) -> None:
    world.queue.refuse = True
    with pytest.raises(Exception, match="job queue"):
        upload(world, f"{FOLDER}a.jpg")
    state = world.states.get(ADMIN_IDENTITY)
    assert state is not None
    assert not state.message_sent
    world.queue.refuse = False
    assert upload(world, f"{FOLDER}a.jpg") == Decision.ABSORBED
    [job] = world.store.jobs.values()
    assert job.id == state.current_job_id
    assert [m.message.job_id for m in world.queue.sent] == [job.id]


def test_other_host_failures_still_go_back_to_the_queue(world: World) -> None:
    """Django down is worth another try: only "no such identity" is ignored."""

    class DownHost(FakeHost):
        def get_identity(self, identity_id: str) -> HostIdentity:
            raise PipelineError(ErrorCode.HOST_UNAVAILABLE, "down", retryable=True)

    world.regenerator = replace(world.regenerator, host=DownHost())
    with pytest.raises(PipelineError) as caught:
        upload(world, f"{FOLDER}a.jpg")
    assert caught.value.code == ErrorCode.HOST_UNAVAILABLE
