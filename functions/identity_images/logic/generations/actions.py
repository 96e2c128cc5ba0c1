"""What can be done with an existing generation besides deriving from it: cancel it while
it is queued, ask for its image to be saved to its identity (its apply)."""

from __future__ import annotations

from identity_images.domain import Caller
from identity_images.errors import ErrorCode, PipelineError
from identity_images.logic.access import authorize_generation, authorize_generation_change
from identity_images.logic.generations.bundle import Generations
from identity_images.logic.generations.read import with_urls
from identity_images.models.jobs import Job, JobError, JobMessage, utc_now


def cancel_generation(generation_id: str, caller: Caller, g: Generations) -> Job:
    """A queued job (also one waiting to retry) becomes `canceled` and is never run: the
    worker claims only queued jobs, so its message is dropped. Canceling a canceled job
    answers it again; a running one is 409 `generation_running`, a finished one 409
    `generation_finished`."""
    job = g.store.require(generation_id)
    authorize_generation(caller, job, g.host)
    if job.status == "queued":
        canceled = g.store.cancel(job)
        if canceled is not None:
            return canceled
        job = g.store.require(generation_id)  # a worker claimed it in between
    if job.status == "canceled":
        return job
    if job.status == "running":
        raise PipelineError(
            ErrorCode.GENERATION_RUNNING,
            f"Generation {generation_id!r} is already running; it cannot be canceled.",
            details={"generation_id": generation_id, "status": job.status, "stage": job.stage},
        )
    raise PipelineError(
        ErrorCode.GENERATION_FINISHED,
        f"Generation {generation_id!r} already {job.status}; there is nothing to cancel.",
        details={"generation_id": generation_id, "status": job.status},
    )


def request_apply(job_id: str, caller: Caller, g: Generations) -> Job:
    """Ask the worker to save a succeeded job's image to its identity. An apply pending
    whose lease runs is not asked twice; one whose lease lapsed (its message was lost, or
    the worker died with it) is queued again, the same request (the same webhook id); an
    applied (or failed) one can be asked again (a new request). The answer is the job as
    `get_generation` gives it, with its URLs."""
    job = _ask_for_apply(job_id, caller, g)
    return with_urls(job, storage=g.storage, settings=g.settings)


def _ask_for_apply(job_id: str, caller: Caller, g: Generations) -> Job:
    store = g.store
    job = store.require(job_id)
    authorize_generation_change(caller, job, g.host)
    if job.status != "succeeded":
        raise PipelineError(
            ErrorCode.GENERATION_NOT_READY,
            f"Generation {job_id!r} is {job.status}; only a succeeded one can be applied.",
            details={"generation_id": job_id, "status": job.status},
        )
    if job.apply_in_flight:
        now = utc_now()
        if not job.due_passed(int(now.timestamp())):
            return job  # a message is on its way
        renewed = store.renew_apply(job, now=now)
        if renewed is None:  # another request renewed it, or it finished, in between
            return store.require(job_id)
        updated = renewed
    else:
        requested = store.request_apply(job_id)
        if requested is None:  # another request made it pending in between
            return store.require(job_id)
        updated = requested
    try:
        g.queue.send(JobMessage(job_id=job_id, action="apply"))
    except PipelineError as error:  # never leave an apply pending that no message will run
        store.finish_apply(updated, error=JobError.of(error))
        raise
    return updated
