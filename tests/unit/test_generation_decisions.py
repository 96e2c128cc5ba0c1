"""Generation creation's decisions over in-memory ports: everything is checked before
anything is written, and a job is never left queued without a message."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from identity_images.domain import Caller
from identity_images.errors import ErrorCode, PipelineError
from identity_images.logic import generations
from identity_images.logic.generations import Generations
from identity_images.models.api import (
    CreateGenerationRequest,
    CreateVariantsRequest,
    RerunRequest,
)
from identity_images.settings import Settings
from tests.support.fakes import ADMIN_IDENTITY, OTHER_USER_IDENTITY, TEST_USER_IDENTITY, FakeHost
from tests.unit.fakes import MemoryJobQueue, MemoryJobStore, MemoryObjectStore

SETTINGS = Settings(variants_max=3, reference_max_bytes=100, prompt_max_chars=20)
ADMIN = Caller(user_id="1", username="admin", is_staff=True)
UPLOAD = SETTINGS.bucket_layout.upload_key("1", "u1", 1, "image/jpeg")


@dataclass
class World:
    store: MemoryJobStore
    queue: MemoryJobQueue
    storage: MemoryObjectStore
    g: Generations


@pytest.fixture
def world() -> World:
    store, queue, storage = MemoryJobStore(), MemoryJobQueue(), MemoryObjectStore()
    storage.put(UPLOAD, b"photo")
    g = Generations(host=FakeHost(), store=store, queue=queue, storage=storage, settings=SETTINGS)
    return World(store, queue, storage, g)


def request(**fields: object) -> CreateGenerationRequest:
    body = {"identity_id": ADMIN_IDENTITY, "reference_keys": [UPLOAD], "aspect_ratio": "1:1"}
    return CreateGenerationRequest.model_validate({**body, **fields})


def refused(world: World, body: CreateGenerationRequest) -> PipelineError:
    with pytest.raises(PipelineError) as raised:
        generations.create_generation(body, ADMIN, world.g)
    assert world.store.jobs == {}
    assert world.queue.sent == []
    return raised.value


def test_a_valid_request_writes_one_queued_job_and_queues_it(world: World) -> None:
    job = generations.create_generation(request(apply=True), ADMIN, world.g)
    assert job.status == "queued"
    assert job.identity_name == "Ada"
    assert job.apply.status == "pending"
    assert [m.message.job_id for m in world.queue.sent] == [job.id]
    assert world.store.require(job.id) == job


def test_a_test_users_identity_can_be_asked_for(world: World) -> None:
    job = generations.create_generation(
        request(identity_id=TEST_USER_IDENTITY, user_id="2"), ADMIN, world.g
    )
    assert job.user_id == "2"
    assert job.created_by == "1"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"prompt": "x" * 21}, ErrorCode.VALIDATION_ERROR),
        ({"reference_keys": [UPLOAD, UPLOAD]}, ErrorCode.VALIDATION_ERROR),
        ({"reference_keys": ["uploads/2/u1/1.jpg"]}, ErrorCode.REFERENCE_INVALID),
        ({"reference_keys": [f"{UPLOAD[:-5]}../x.jpg"]}, ErrorCode.REFERENCE_INVALID),
        # Under 1024 characters, over S3's 1024 bytes: S3 would answer its HEAD 400.
        ({"reference_keys": [f"{UPLOAD[:-5]}{'é' * 600}.jpg"]}, ErrorCode.REFERENCE_INVALID),
        ({"reference_keys": [UPLOAD.replace("1.jpg", "9.jpg")]}, ErrorCode.REFERENCE_NOT_FOUND),
        ({"identity_id": OTHER_USER_IDENTITY, "user_id": "3"}, ErrorCode.FORBIDDEN),
        ({"identity_id": TEST_USER_IDENTITY}, ErrorCode.FORBIDDEN),  # not the caller's own identity
    ],
)
def test_a_refused_request_writes_nothing(
    world: World, fields: dict[str, object], code: ErrorCode
) -> None:
    assert refused(world, request(**fields)).code == code


@pytest.mark.parametrize(
    ("content_type", "size", "accepted"),
    [
        ("image/jpeg", 100, True),
        ("Image/PNG; charset=binary", 10, True),  # read the one way: type, lower case
        ("text/plain", 10, False),
        ("image/jpeg", 101, False),  # larger than reference_max_bytes
    ],
)
def test_an_upload_is_checked_by_its_stored_type_and_size(
    world: World, content_type: str, size: int, accepted: bool
) -> None:
    world.storage.put(UPLOAD, b"x" * size, content_type)
    if accepted:
        generations.create_generation(request(), ADMIN, world.g)
        assert len(world.store.jobs) == 1
    else:
        assert refused(world, request()).code == ErrorCode.REFERENCE_INVALID


def test_a_reference_s3_refuses_to_head_is_not_found(world: World) -> None:
    """S3 answers 403 for a missing key under a prefix the role may not list: to the API's
    reference check that is the photo not being there (422), not a fault (500)."""
    world.storage.denied.add(UPLOAD)
    assert refused(world, request()).code == ErrorCode.REFERENCE_NOT_FOUND


def test_a_rerun_whose_parents_upload_s3_refuses_is_not_found(world: World) -> None:
    parent = generations.create_generation(request(), ADMIN, world.g)
    world.store.cancel(parent)
    world.storage.denied.add(UPLOAD)
    with pytest.raises(PipelineError) as raised:
        generations.rerun_generation(parent.id, RerunRequest(), ADMIN, world.g)
    assert raised.value.code == ErrorCode.REFERENCE_NOT_FOUND
    assert raised.value.details["key"] == UPLOAD


def test_a_queue_that_refuses_leaves_every_job_of_the_batch_failed(world: World) -> None:
    world.queue.refuse = True
    body = CreateVariantsRequest.model_validate({**request().model_dump(), "count": 3})
    with pytest.raises(PipelineError) as raised:
        generations.create_variants(body, ADMIN, world.g)
    assert raised.value.code == ErrorCode.QUEUE_UNAVAILABLE
    assert len(world.store.jobs) == 3
    assert {job.status for job in world.store.jobs.values()} == {"failed"}


def test_variants_share_a_batch_newest_first(world: World) -> None:
    body = CreateVariantsRequest.model_validate({**request().model_dump(), "count": 3})
    batch = generations.create_variants(body, ADMIN, world.g)
    assert [job.batch_index for job in batch.items] == [0, 1, 2]
    assert {job.batch_id for job in batch.items} == {batch.batch_id}
    assert batch.items[0].created_at > batch.items[2].created_at
    too_many = CreateVariantsRequest.model_validate({**request().model_dump(), "count": 4})
    with pytest.raises(PipelineError, match="1 to 3"):
        generations.create_variants(too_many, ADMIN, world.g)


def test_a_rerun_waits_for_its_parent_to_finish(world: World) -> None:
    parent = generations.create_generation(request(), ADMIN, world.g)
    with pytest.raises(PipelineError) as raised:
        generations.rerun_generation(parent.id, RerunRequest(), ADMIN, world.g)
    assert raised.value.code == ErrorCode.GENERATION_NOT_FINISHED
    world.store.cancel(parent)
    batch = generations.rerun_generation(parent.id, RerunRequest(count=2), ADMIN, world.g)
    assert [job.parent_generation_id for job in batch.items] == [parent.id, parent.id]
    assert all(job.reference_keys == [UPLOAD] for job in batch.items)


def test_a_queued_job_is_canceled_and_a_canceled_one_answered_again(world: World) -> None:
    job = generations.create_generation(request(), ADMIN, world.g)
    assert generations.cancel_generation(job.id, ADMIN, world.g).status == "canceled"
    assert generations.cancel_generation(job.id, ADMIN, world.g).status == "canceled"
