"""Reading generations: one, or an identity's history, as the API answers them (with
short-lived URLs for their images)."""

from __future__ import annotations

from typing import Any

from identity_images.domain import Caller
from identity_images.logic.access import (
    authorize_generation,
    authorize_identity,
    visible_generations,
)
from identity_images.logic.filenames import attachment, download_filename
from identity_images.logic.generations.bundle import Generations
from identity_images.models.api import MAX_VARIANTS, GenerationList
from identity_images.models.jobs import Job
from identity_images.models.ports import ObjectStore
from identity_images.settings import Settings


def with_urls(job: Job, *, storage: ObjectStore, settings: Settings) -> Job:
    """The job as the API answers it: short-lived URLs for its output (inline, preview,
    download) and its prepared references. Only for jobs the caller may act on."""
    expiry = settings.output_url_expiry_s
    update: dict[str, Any] = {}
    if job.status == "succeeded" and job.output is not None:
        output = job.output
        filename = output.filename or download_filename(
            job.identity_name or f"identity-{job.identity_id}",
            job.finished_at or job.created_at,
            output.mime_type,
            variant=job.variant,
        )
        update["output"] = output.model_copy(
            update={
                "filename": filename,
                "url": storage.presigned_get(output.key, expires_in=expiry),
                "small_url": (
                    storage.presigned_get(output.small.key, expires_in=expiry)
                    if output.small
                    else None
                ),
                "preview_url": (
                    storage.presigned_get(output.preview.key, expires_in=expiry)
                    if output.preview
                    else None
                ),
                "large_url": (
                    storage.presigned_get(output.large.key, expires_in=expiry)
                    if output.large
                    else None
                ),
                "download_url": storage.presigned_get(
                    output.key,
                    expires_in=expiry,
                    content_disposition=attachment(filename),
                ),
            }
        )
    if job.prepared_references:
        update["prepared_references"] = [
            ref.model_copy(
                update={"preview_url": storage.presigned_get(ref.key, expires_in=expiry)}
            )
            for ref in job.prepared_references
        ]
    return job.model_copy(update=update) if update else job


def get_generation(job_id: str, caller: Caller, g: Generations) -> Job:
    """The job, if the caller may see it; when it succeeded, its output carries
    short-lived URLs (inline, preview, download)."""
    job = g.store.require(job_id)
    authorize_generation(caller, job, g.host)
    return with_urls(job, storage=g.storage, settings=g.settings)


def list_generations(
    identity_id: str,
    caller: Caller,
    g: Generations,
    *,
    limit: int,
    cursor: str | None,
    saved: bool = False,
) -> GenerationList:
    """The identity's jobs, newest first, if the caller may act on the identity (else 403,
    not an empty page); each job carries its URLs (the previews are what a history
    shows). Jobs the caller could not GET (made while the identity was another admin's)
    are left out, so a page may hold fewer than `limit` jobs and still have a next one.
    A page never ends inside a batch: one whose `limit`th job has siblings after it holds
    them too (at most `MAX_VARIANTS - 1` more), so one click's variants are never split
    across pages and a history shows a click whole.

    `saved`: only the jobs whose image was saved to the identity at least once, the one
    it shows and the ones replaced since (a click's other variants are not read with
    them); a page may then come short, even empty, with a next one (the store reads a
    bounded number of jobs for it)."""
    authorize_identity(identity_id, caller, g.host)
    page = g.store.list_for_identity(identity_id, limit=limit, cursor=cursor, saved=saved)
    listed, next_cursor = page.jobs, page.next_cursor
    rest = _rest_of_batch(listed[-1]) if listed and next_cursor and not saved else 0
    if rest:
        # A batch's jobs are next to each other (`new_jobs`): its rest is the next `rest`.
        tail = g.store.list_for_identity(identity_id, limit=rest, cursor=next_cursor)
        listed, next_cursor = [*listed, *tail.jobs], tail.next_cursor
    visible = visible_generations(caller, listed, g.host)
    jobs = [with_urls(job, storage=g.storage, settings=g.settings) for job in visible]
    return GenerationList(items=jobs, next_cursor=next_cursor)


def _rest_of_batch(job: Job) -> int:
    """How many jobs of `job`'s batch come after it in the history (newest first: index 0
    is the newest), never more than a batch can hold (`MAX_VARIANTS`, the schema's ceiling:
    `variants_max` may have been lowered since the batch was made)."""
    if job.batch_id is None or job.batch_size is None or job.batch_index is None:
        return 0
    return max(0, min(job.batch_size, MAX_VARIANTS) - 1 - job.batch_index)
