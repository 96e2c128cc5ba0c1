"""The dispatcher's own decisions (`logic.worker`): a message whose job is gone, or
finished with no apply pending, is dropped without a try."""

from __future__ import annotations

from identity_images.logic.worker import Outcome
from identity_images.models.jobs import JobMessage
from tests.unit.worker.helpers import World, api_job, run


def test_a_canceled_or_missing_job_is_skipped(world: World) -> None:
    job = api_job(world)
    world.store.cancel(job)
    assert run(world, job) == [Outcome.SKIPPED]
    assert world.worker.handle(JobMessage(job_id="gone"), receive_count=1) == [Outcome.SKIPPED]
    assert world.generate.calls == []
