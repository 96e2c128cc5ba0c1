"""The reaper's decisions over in-memory ports: no moto, no Lambda."""

from __future__ import annotations

from datetime import timedelta

from identity_images.logic.reaper import Reaper, Settled
from identity_images.models.jobs import Job, utc_now
from identity_images.settings import Settings
from tests.unit.fakes import MemoryJobQueue, MemoryJobStore, MemoryObjectStore

SETTINGS = Settings(worker_max_receive_count=5, reaper_grace_s=0)


def lost_running_job(store: MemoryJobStore, *, claims: int, max_attempts: int) -> Job:
    """A job its worker died on after `claims` claims: running, its lease lapsed."""
    job = Job.new(
        identity_id="11",
        user_id="1",
        created_by="1",
        reference_keys=["uploads/1.jpg"],
        prompt="",
        aspect_ratio="1:1",
        image_size="1K",
        apply=False,
        max_attempts=max_attempts,
    )
    store.create(job)
    for claim in range(claims):
        claimed = store.claim(job.id)
        assert claimed is not None
        if claim < claims - 1:
            store.requeue(claimed)
    return store.require(job.id)


def reaper(store: MemoryJobStore, queue: MemoryJobQueue) -> Reaper:
    return Reaper(
        store=store,
        queue=queue,
        dead_letters=MemoryJobQueue(),
        storage=MemoryObjectStore(),
        settings=SETTINGS,
    )


def test_a_lost_job_out_of_its_own_tries_gives_up() -> None:
    store, queue = MemoryJobStore(lease_s=0), MemoryJobQueue()
    job = lost_running_job(store, claims=2, max_attempts=2)
    later = utc_now() + timedelta(hours=1)
    assert reaper(store, queue).sweep(later) == [Settled.GAVE_UP]
    failed = store.require(job.id)
    assert failed.status == "failed"
    assert failed.error is not None
    assert failed.error.code == "worker_gave_up"
    assert queue.sent == []


def test_a_lost_job_with_tries_left_is_queued_again() -> None:
    store, queue = MemoryJobStore(lease_s=0), MemoryJobQueue()
    job = lost_running_job(store, claims=1, max_attempts=2)
    later = utc_now() + timedelta(hours=1)
    assert reaper(store, queue).sweep(later) == [Settled.REQUEUED]
    assert store.require(job.id).status == "queued"
