"""A new generation, or `count` variants of one request, validated, written and queued.

Everything is checked before anything is written: the request's shape (the prompt, the
size, the references' keys), the identity (its owner, its name), the kept photos among
the references (of the same person) and the references themselves (there, small
enough, images).
"""

from __future__ import annotations

from identity_images.bucket_layout import S3_KEY_MAX_BYTES
from identity_images.domain import Caller
from identity_images.errors import ErrorCode, PipelineError
from identity_images.generation_rules import check_identity_words, check_image_size
from identity_images.logic.access import (
    authorize_identity_of,
    authorize_kept_photos,
    resolve_user,
)
from identity_images.logic.generations.bundle import Generations
from identity_images.logic.generations.new_jobs import (
    batch_once,
    check_count,
    enqueue,
    new_jobs,
    once,
)
from identity_images.logic.generations.photo_sizes import sizes_of
from identity_images.media_types import is_accepted_type
from identity_images.models.api import (
    CreateGenerationRequest,
    CreateVariantsRequest,
    GenerationBatch,
)
from identity_images.models.jobs import Job
from identity_images.models.ports import IdempotencyAnswer, ObjectStore
from identity_images.settings import Settings


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
            # S3's limit is in UTF-8 bytes; a longer key's HEAD is S3's 400, not a 404.
            and len(key.encode()) <= S3_KEY_MAX_BYTES
            and ".." not in key.split("/")
            and "//" not in key
        )
        if not uploaded and layout.prepared_of(key) is None:
            raise PipelineError(
                ErrorCode.REFERENCE_INVALID,
                f"Reference {key!r} is neither one of your uploads (keys start with "
                f"{prefix!r}) nor a photo an earlier generation kept.",
                details={"field": "reference_keys", "key": key},
            )


def _check_references(keys: list[str], storage: ObjectStore, settings: Settings) -> list[int]:
    """The objects exist, are small enough and are images: the POST policy is not enough.
    Their sizes, in their order."""
    sizes: list[int] = []
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
        sizes.append(info.size)
    return sizes


def _create_jobs(
    request: CreateGenerationRequest, caller: Caller, count: int, *, batch: bool, g: Generations
) -> list[Job]:
    host, settings = g.host, g.settings
    check_count(count, settings)
    _validate_shape(request, caller, settings)
    user = resolve_user(request.user_id, caller, host)
    identity = authorize_identity_of(request.identity_id, user, host)
    check_identity_words(identity.name, identity.description, identity_id=identity.id)
    authorize_kept_photos(
        request.reference_keys,
        identity,
        caller,
        host,
        kept_by=settings.bucket_layout.prepared_of,
        job_of=g.store.get,
    )
    stored = _check_references(request.reference_keys, g.storage, settings)
    layout = settings.bucket_layout
    sizes = sizes_of(request.reference_keys, stored, kept_by=layout.prepared_of, job_of=g.store.get)
    jobs = new_jobs(
        count,
        settings,
        batch=batch,
        identity_id=identity.id,
        identity_name=identity.name,
        user_id=user.id,
        created_by=caller.user_id,
        reference_keys=request.reference_keys,
        reference_names=request.reference_names,
        reference_bytes=sizes,
        prompt=request.prompt,
        aspect_ratio=request.aspect_ratio or settings.default_aspect_ratio,
        image_size=request.image_size or settings.default_image_size,
        apply=request.apply,
    )
    enqueue(jobs, store=g.store, queue=g.queue)
    return jobs


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

    result = once(
        g,
        "create_generation",
        create,
        key=f"{caller.user_id}:{idempotency_key}",
        idempotency_key=idempotency_key,
        body=request.model_dump(mode="json"),
    )
    return g.store.require(str(result["job_id"]))


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
    return batch_once(
        g,
        "create_variants",
        lambda: _create_jobs(single, caller, request.count, batch=True, g=g),
        key=f"{caller.user_id}:{idempotency_key}",
        idempotency_key=idempotency_key,
        body=request.model_dump(mode="json"),
    )
