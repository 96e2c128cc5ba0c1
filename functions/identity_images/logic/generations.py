"""Generation jobs from the API's side: validate, create and queue; read; list; apply.

Everything is checked before anything is written: a refused request leaves no job and
sends no message. Every operation takes the caller and the `Generations` bundle (the
ports and settings the API hands down); creating ones honour an `Idempotency-Key`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from identity_images.domain import Caller, HostDirectory, HostIdentity
from identity_images.errors import ErrorCode, PipelineError
from identity_images.generation_rules import (
    check_identity_name,
    check_image_count,
    check_image_size,
)
from identity_images.logic.access import (
    authorize_generation,
    authorize_generation_change,
    authorize_identity,
    authorize_kept_photos,
    resolve_user,
    visible_generations,
)
from identity_images.logic.filenames import attachment, download_filename
from identity_images.media_types import is_accepted_type
from identity_images.models.api import (
    MAX_VARIANTS,
    CreateGenerationRequest,
    CreateVariantsRequest,
    GenerationBatch,
    GenerationList,
    RefineRequest,
    RerunRequest,
)
from identity_images.models.jobs import Job, JobError, JobKind, JobMessage, utc_now
from identity_images.models.ports import (
    Idempotency,
    IdempotencyAnswer,
    IdempotencyOperation,
    JobQueue,
    JobStore,
    ObjectStore,
)
from identity_images.settings import Settings


@dataclass(frozen=True)
class Generations:
    """What the generation operations work with: the host, the jobs table and queue, the
    bucket, the settings and (for an `Idempotency-Key`) the idempotency records."""

    host: HostDirectory
    store: JobStore
    queue: JobQueue
    storage: ObjectStore
    settings: Settings
    idempotency: Idempotency | None = None


# --- create ----------------------------------------------------------------------------
def _validate_shape(request: CreateGenerationRequest, caller: Caller, settings: Settings) -> None:
    if len(request.prompt) > settings.prompt_max_chars:
        raise PipelineError(
            ErrorCode.VALIDATION_ERROR,
            f"The prompt is {len(request.prompt)} characters; the limit is "
            f"{settings.prompt_max_chars}.",
            details={"field": "prompt", "max_chars": settings.prompt_max_chars},
        )
    if request.image_size is not None:
        check_image_size(settings.gemini_model, request.image_size, field="image_size")
    keys = request.reference_keys
    if len(keys) > settings.upload_max_files:
        raise PipelineError(
            ErrorCode.VALIDATION_ERROR,
            f"At most {settings.upload_max_files} references; got {len(keys)}.",
            details={"field": "reference_keys", "max": settings.upload_max_files},
        )
    if len(set(keys)) != len(keys):
        raise PipelineError(
            ErrorCode.VALIDATION_ERROR,
            "A reference is listed twice.",
            details={"field": "reference_keys"},
        )
    layout = settings.bucket_layout
    prefix = layout.upload_prefix(caller.user_id)
    for key in keys:
        uploaded = (
            key.startswith(prefix)
            and len(key) > len(prefix)
            and len(key) <= 1024
            and ".." not in key.split("/")
            and "//" not in key
        )
        if not uploaded and layout.prepared_identity_of(key) is None:
            raise PipelineError(
                ErrorCode.REFERENCE_INVALID,
                f"Reference {key!r} is neither one of your uploads (keys start with "
                f"{prefix!r}) nor a photo an earlier generation kept.",
                details={"field": "reference_keys", "key": key},
            )


def _check_references(keys: list[str], storage: ObjectStore, settings: Settings) -> None:
    """The objects exist, are small enough and are images: the POST policy is not enough."""
    for key in keys:
        info = storage.head(key, denied_is_missing=True)
        if info is None:
            raise PipelineError(
                ErrorCode.REFERENCE_NOT_FOUND,
                f"Reference {key!r} was not uploaded (or has expired).",
                details={"field": "reference_keys", "key": key},
            )
        if info.size > settings.reference_max_bytes:
            raise PipelineError(
                ErrorCode.REFERENCE_INVALID,
                f"Reference {key!r} is {info.size} bytes; the limit is "
                f"{settings.reference_max_bytes}.",
                details={
                    "field": "reference_keys",
                    "key": key,
                    "max_bytes": settings.reference_max_bytes,
                },
            )
        if not is_accepted_type(info.content_type):
            raise PipelineError(
                ErrorCode.REFERENCE_INVALID,
                f"Reference {key!r} is {info.content_type!r}, not a supported image type.",
                details={"field": "reference_keys", "key": key},
            )


def _check_count(count: int, settings: Settings) -> None:
    if not 1 <= count <= settings.variants_max:
        raise PipelineError(
            ErrorCode.VALIDATION_ERROR,
            f"Ask for 1 to {settings.variants_max} variants; got {count}.",
            details={"field": "count", "min": 1, "max": settings.variants_max},
        )


def _new_jobs(count: int, settings: Settings, *, batch: bool, **fields: Any) -> list[Job]:
    """`count` queued jobs with the same fields; with `batch` they share a `batch_id`
    (every job made by a batch route has one, also a batch of one). Their `created_at`
    differ by a microsecond each, index 0 newest, so the history lists them together."""
    now = utc_now()
    batch_id = uuid.uuid4().hex if batch else None
    return [
        Job.new(
            **fields,
            model=settings.gemini_model,
            max_attempts=settings.worker_max_receive_count,
            batch_id=batch_id,
            batch_index=index if batch_id else None,
            batch_size=count if batch_id else None,
            now=now - timedelta(microseconds=index),
        )
        for index in range(count)
    ]


def _enqueue(jobs: list[Job], *, store: JobStore, queue: JobQueue) -> None:
    """Write the jobs together, then queue one message each. If the queue refuses, every
    job of the batch ends failed (a worker drops the message of a failed job)."""
    store.create_many(jobs)
    try:
        if len(jobs) == 1:
            queue.send(JobMessage(job_id=jobs[0].id, action="generate"))
        else:
            queue.send_many([JobMessage(job_id=job.id, action="generate") for job in jobs])
    except PipelineError as error:  # never leave a job queued that no message will run
        for job in jobs:
            store.fail(job, JobError.of(error))
        raise


def _create_jobs(
    request: CreateGenerationRequest, caller: Caller, count: int, *, batch: bool, g: Generations
) -> list[Job]:
    host, settings = g.host, g.settings
    _check_count(count, settings)
    _validate_shape(request, caller, settings)
    user = resolve_user(request.user_id, caller, host)
    identity = host.get_identity(request.identity_id)
    if identity.user_id != user.id:
        raise PipelineError(
            ErrorCode.FORBIDDEN,
            f"Identity {request.identity_id!r} does not belong to user {user.id!r}.",
            details={"field": "identity_id", "identity_id": request.identity_id},
        )
    check_identity_name(identity.name, identity_id=identity.id)
    authorize_kept_photos(
        request.reference_keys, identity, host, kept_for=settings.bucket_layout.prepared_identity_of
    )
    _check_references(request.reference_keys, g.storage, settings)
    jobs = _new_jobs(
        count,
        settings,
        batch=batch,
        identity_id=identity.id,
        identity_name=identity.name,
        user_id=user.id,
        created_by=caller.user_id,
        reference_keys=request.reference_keys,
        reference_names=request.reference_names,
        prompt=request.prompt,
        aspect_ratio=request.aspect_ratio or settings.default_aspect_ratio,
        image_size=request.image_size or settings.default_image_size,
        apply=request.apply,
    )
    _enqueue(jobs, store=g.store, queue=g.queue)
    return jobs


def _once(
    g: Generations,
    operation: IdempotencyOperation,
    run: Callable[[], IdempotencyAnswer],
    *,
    key: str,
    idempotency_key: str | None,
    body: dict[str, Any],
) -> IdempotencyAnswer:
    """`run()`, once per caller and `Idempotency-Key` when one is given."""
    if not idempotency_key or g.idempotency is None:
        return run()
    return g.idempotency.once(operation, run, key=key, body=body)


def create_generation(
    request: CreateGenerationRequest,
    caller: Caller,
    g: Generations,
    *,
    idempotency_key: str | None = None,
) -> Job:
    """Validate, write the queued job and queue it. With `idempotency_key`, a repeat of
    the same body by the same caller returns the same job; the same key with another
    body is refused with `idempotency_conflict`."""

    def create() -> IdempotencyAnswer:
        return {"job_id": _create_jobs(request, caller, 1, batch=False, g=g)[0].id}

    result = _once(
        g,
        "create_generation",
        create,
        key=f"{caller.user_id}:{idempotency_key}",
        idempotency_key=idempotency_key,
        body=request.model_dump(mode="json"),
    )
    return g.store.require(str(result["job_id"]))


def _batch(
    g: Generations,
    operation: IdempotencyOperation,
    create: Callable[[], list[Job]],
    *,
    key: str,
    idempotency_key: str | None,
    body: dict[str, Any],
) -> GenerationBatch:
    def run() -> IdempotencyAnswer:
        jobs = create()
        return {"batch_id": jobs[0].batch_id, "job_ids": [job.id for job in jobs]}

    result = _once(
        g,
        operation,
        run,
        key=key,
        idempotency_key=idempotency_key,
        body=body,
    )
    return GenerationBatch(
        batch_id=str(result["batch_id"]),
        items=[g.store.require(str(job_id)) for job_id in result["job_ids"]],
    )


def create_variants(
    request: CreateVariantsRequest,
    caller: Caller,
    g: Generations,
    *,
    idempotency_key: str | None = None,
) -> GenerationBatch:
    """`count` jobs of one request (Gemini gives one image per call), written together
    under one `batch_id`; idempotent as a whole under one `Idempotency-Key`."""
    single = CreateGenerationRequest.model_validate(request.model_dump(exclude={"count"}))
    return _batch(
        g,
        "create_variants",
        lambda: _create_jobs(single, caller, request.count, batch=True, g=g),
        key=f"{caller.user_id}:{idempotency_key}",
        idempotency_key=idempotency_key,
        body=request.model_dump(mode="json"),
    )


# --- refine and re-run -------------------------------------------------------------------
def _parent_references(parent: Job, storage: ObjectStore) -> tuple[list[str], list[str]]:
    """What a re-run or refine sends, with the photos' file names (when the parent has
    them): the parent's prepared references (kept with the job), else its original
    references while they are still there."""
    names = parent.reference_names
    if parent.prepared_references:
        kept = sorted(parent.prepared_references, key=lambda ref: ref.index)
        named = len(names) == len(parent.reference_keys)
        return [ref.key for ref in kept], [names[ref.index] for ref in kept] if named else []
    missing = [
        key for key in parent.reference_keys if storage.head(key, denied_is_missing=True) is None
    ]
    if not parent.reference_keys or missing:
        index = parent.reference_keys.index(missing[0]) if missing else None
        raise PipelineError(
            ErrorCode.REFERENCE_NOT_FOUND,
            f"Generation {parent.id!r} kept no prepared references and its uploads are gone.",
            details={
                "generation_id": parent.id,
                "key": missing[0] if missing else None,
                "index": index,
            },
        )
    return list(parent.reference_keys), list(names)


def _derived_jobs(
    parent: Job,
    identity: HostIdentity,
    caller: Caller,
    g: Generations,
    *,
    kind: JobKind,
    count: int,
    apply: bool,
    instruction: str | None,
    edit_source_key: str | None,
) -> list[Job]:
    """New jobs from `parent`, of its identity as it is now (`identity`, authorized by
    `authorize_generation_change`): they record the identity's current owner, not the
    parent's, so they are visible exactly to those who may act on the identity now.
    What the worker would refuse is refused here, before a job is written: an identity
    that lost its name, more images than the model takes (a refine adds one), a size the
    model now configured does not make."""
    _check_count(count, g.settings)
    check_image_size(g.settings.gemini_model, parent.image_size)
    check_identity_name(identity.name, identity_id=identity.id)
    references, names = _parent_references(parent, g.storage)
    check_image_count(len(references), edit_image=edit_source_key is not None)
    jobs = _new_jobs(
        count,
        g.settings,
        batch=True,
        kind=kind,
        identity_id=parent.identity_id,
        identity_name=identity.name,
        user_id=identity.user_id,
        created_by=caller.user_id,
        reference_keys=references,
        reference_names=names,
        prompt=parent.prompt,
        aspect_ratio=parent.aspect_ratio,
        image_size=parent.image_size,
        apply=apply,
        parent_generation_id=parent.id,
        instruction=instruction,
        edit_source_key=edit_source_key,
    )
    _enqueue(jobs, store=g.store, queue=g.queue)
    return jobs


def refine_generation(
    generation_id: str,
    request: RefineRequest,
    caller: Caller,
    g: Generations,
    *,
    idempotency_key: str | None = None,
) -> GenerationBatch:
    """New generations that edit a succeeded parent's image with `instruction`, sending
    the parent's output and its references; `parent_generation_id` records the lineage."""

    def create() -> list[Job]:
        parent = g.store.require(generation_id)
        identity = authorize_generation_change(caller, parent, g.host)
        if parent.status != "succeeded" or parent.output is None:
            raise PipelineError(
                ErrorCode.GENERATION_NOT_READY,
                f"Generation {generation_id!r} is {parent.status}; only a succeeded one "
                "can be refined.",
                details={"generation_id": generation_id, "status": parent.status},
            )
        limit = g.settings.prompt_max_chars
        if len(request.instruction) > limit:
            raise PipelineError(
                ErrorCode.VALIDATION_ERROR,
                f"The instruction is {len(request.instruction)} characters; the limit is {limit}.",
                details={"field": "instruction", "max_chars": limit},
            )
        return _derived_jobs(
            parent,
            identity,
            caller,
            g,
            kind="refine",
            count=request.count,
            apply=request.apply,
            instruction=request.instruction,
            edit_source_key=parent.output.key,
        )

    return _batch(
        g,
        "refine_generation",
        create,
        key=f"{caller.user_id}:{generation_id}:{idempotency_key}",
        idempotency_key=idempotency_key,
        body=request.model_dump(mode="json"),
    )


def rerun_generation(
    generation_id: str,
    request: RerunRequest,
    caller: Caller,
    g: Generations,
    *,
    idempotency_key: str | None = None,
) -> GenerationBatch:
    """A finished generation (succeeded, failed or canceled) again, with the same settings
    and references (its prepared ones when kept), also after its uploads expired."""

    def create() -> list[Job]:
        parent = g.store.require(generation_id)
        identity = authorize_generation_change(caller, parent, g.host)
        if not parent.is_terminal:
            raise PipelineError(
                ErrorCode.GENERATION_NOT_FINISHED,
                f"Generation {generation_id!r} is {parent.status}; re-run it when it is done.",
                details={"generation_id": generation_id, "status": parent.status},
            )
        return _derived_jobs(
            parent,
            identity,
            caller,
            g,
            kind="rerun",
            count=request.count,
            apply=request.apply,
            instruction=parent.instruction,
            edit_source_key=parent.edit_source_key,
        )

    return _batch(
        g,
        "rerun_generation",
        create,
        key=f"{caller.user_id}:{generation_id}:{idempotency_key}",
        idempotency_key=idempotency_key,
        body=request.model_dump(mode="json"),
    )


# --- cancel ------------------------------------------------------------------------------
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


# --- read ------------------------------------------------------------------------------
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
                "preview_url": (
                    storage.presigned_get(output.preview.key, expires_in=expiry)
                    if output.preview
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
    identity_id: str, caller: Caller, g: Generations, *, limit: int, cursor: str | None
) -> GenerationList:
    """The identity's jobs, newest first, if the caller may act on the identity (else 403,
    not an empty page); each job carries its URLs (the previews are what a history
    shows). Jobs the caller could not GET (made while the identity was another admin's)
    are left out, so a page may hold fewer than `limit` jobs and still have a next one.
    A page never ends inside a batch: one whose `limit`th job has siblings after it holds
    them too (at most `MAX_VARIANTS - 1` more), so one click's variants are never split
    across pages and a history shows a click whole."""
    authorize_identity(identity_id, caller, g.host)
    page = g.store.list_for_identity(identity_id, limit=limit, cursor=cursor)
    listed, next_cursor = page.jobs, page.next_cursor
    rest = _rest_of_batch(listed[-1]) if listed and next_cursor else 0
    if rest:
        # A batch's jobs are next to each other (`_new_jobs`): its rest is the next `rest`.
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


# --- apply -----------------------------------------------------------------------------
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
