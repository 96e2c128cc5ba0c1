"""The operator's redrive of a job whose apply failed (`logic.dead_letters`): the
admin's decision goes out again as of when it was made, so a decision made since (another
job applied to the identity) still wins at the host."""

from __future__ import annotations

from datetime import timedelta

from identity_images.logic.dead_letters import DeadLetters, Redriven
from identity_images.models.jobs import JobError, JobMessage, utc_now
from identity_images.models.ports import QueuedMessage
from tests.unit.fakes import MemoryJobQueue
from tests.unit.worker.helpers import World, api_job, run


def test_a_redriven_apply_keeps_the_time_it_was_decided(world: World) -> None:
    job = api_job(world, apply=True)
    run(world, job)
    done = world.store.require(job.id)
    decided = utc_now() - timedelta(hours=2)
    failed = done.apply.model_copy(
        update={
            "status": "failed",
            "requested_at": decided,
            "error": JobError(code="host_unavailable", message="down"),
        }
    )
    world.store.jobs[job.id] = done.model_copy(update={"apply": failed})
    dead_letters = MemoryJobQueue()
    letter = JobMessage(job_id=job.id, action="apply").model_dump_json()
    dead_letters.letters = [QueuedMessage("letter-1", "receipt-1", letter, 5, utc_now())]
    redrive = DeadLetters(dead_letters=dead_letters, queue=world.queue, store=world.store)

    [(_, outcome)] = redrive.redrive()

    assert outcome == Redriven.APPLY_REOPENED
    reopened = world.store.require(job.id)
    assert (reopened.apply.status, reopened.apply.attempt) == ("pending", done.apply.attempt + 1)
    assert reopened.apply.requested_at == decided
    assert [sent.message for sent in world.queue.sent][-1] == JobMessage(
        job_id=job.id, action="apply"
    )
