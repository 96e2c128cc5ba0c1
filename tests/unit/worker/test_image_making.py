"""What a claimed try reads (`logic.image_making`): a reference the job names that is gone
fails it naming the key and index; a regeneration picks the newest usable photos of the
identity's folder, up to the limit, skipping one preparation refuses."""

from __future__ import annotations

from identity_images.logic.worker import Outcome
from tests.unit.worker.helpers import FOLDER, World, api_job, folder_job, run


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
