"""Generation jobs from the API's side: validate, create and queue; read; list; apply.

Everything is checked before anything is written: a refused request leaves no job and
sends no message.
"""

from __future__ import annotations

from typing import Any, get_args

from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer

from identity_images.adapters.job_queue import JobQueue
from identity_images.adapters.job_store import JobStore
from identity_images.adapters.storage import Storage
from identity_images.domain import HostDirectory, HostIdentity, HostUser
from identity_images.errors import ErrorCode, PipelineError
from identity_images.models.api import (
    Caller,
    CreateGenerationRequest,
    GenerationList,
    UploadContentType,
)
from identity_images.models.jobs import Job, JobError, JobMessage
from identity_images.settings import Settings

ME = "me"
ALLOWED_REFERENCE_TYPES = frozenset(get_args(UploadContentType))
IDEMPOTENCY_KEY_MAX_CHARS = 128


# --- users and identities ---------------------------------------------------------------
def resolve_user(user_id: str, caller: Caller, host: HostDirectory) -> HostUser:
    """`me` is the caller; any other id must be the caller or a test user."""
    user = host.get_user(caller.user_id if user_id == ME else user_id)
    if user.id != caller.user_id and not user.is_test_user:
        raise PipelineError(
            ErrorCode.FORBIDDEN,
            f"User {user_id!r} is not a test user; generate for yourself or a test user.",
            details={"field": "user_id", "user_id": user_id},
        )
    return user


def list_users(caller: Caller, host: HostDirectory) -> list[HostUser]:
    """The caller first, then the test users."""
    me = host.get_user(caller.user_id)
    return [me, *(u for u in host.list_test_users() if u.id != me.id)]


def list_identities(user_id: str, caller: Caller, host: HostDirectory) -> list[HostIdentity]:
    user = resolve_user(user_id, caller, host)
    return host.list_identities(user.id)


# --- create ----------------------------------------------------------------------------
def _validate_shape(request: CreateGenerationRequest, caller: Caller, settings: Settings) -> None:
    if len(request.prompt) > settings.prompt_max_chars:
        raise PipelineError(
            ErrorCode.VALIDATION_ERROR,
            f"The prompt is {len(request.prompt)} characters; the limit is "
            f"{settings.prompt_max_chars}.",
            details={"field": "prompt", "max_chars": settings.prompt_max_chars},
        )
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
    prefix = settings.bucket_layout.upload_prefix(caller.user_id)
    for key in keys:
        inside = (
            key.startswith(prefix)
            and len(key) > len(prefix)
            and len(key) <= 1024
            and ".." not in key.split("/")
            and "//" not in key
        )
        if not inside:
            raise PipelineError(
                ErrorCode.REFERENCE_INVALID,
                f"Reference {key!r} is not one of your uploads (keys start with {prefix!r}).",
                details={"field": "reference_keys", "key": key},
            )


def _check_references(keys: list[str], storage: Storage, settings: Settings) -> None:
    """The objects exist, are small enough and are images: the POST policy is not enough."""
    for key in keys:
        info = storage.head(key)
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
        if info.content_type.split(";")[0].strip().lower() not in ALLOWED_REFERENCE_TYPES:
            raise PipelineError(
                ErrorCode.REFERENCE_INVALID,
                f"Reference {key!r} is {info.content_type!r}, not a supported image type.",
                details={"field": "reference_keys", "key": key},
            )


def _create(
    request: CreateGenerationRequest,
    caller: Caller,
    *,
    host: HostDirectory,
    store: JobStore,
    queue: JobQueue,
    storage: Storage,
    settings: Settings,
) -> Job:
    _validate_shape(request, caller, settings)
    user = resolve_user(request.user_id, caller, host)
    identity = host.get_identity(request.identity_id)
    if identity.user_id != user.id:
        raise PipelineError(
            ErrorCode.FORBIDDEN,
            f"Identity {request.identity_id!r} does not belong to user {user.id!r}.",
            details={"field": "identity_id", "identity_id": request.identity_id},
        )
    _check_references(request.reference_keys, storage, settings)
    job = Job.new(
        identity_id=identity.id,
        user_id=user.id,
        created_by=caller.user_id,
        reference_keys=request.reference_keys,
        prompt=request.prompt,
        aspect_ratio=request.aspect_ratio,
        image_size=request.image_size,
        apply=request.apply,
        model=settings.gemini_model,
    )
    store.create(job)
    try:
        queue.send(JobMessage(job_id=job.id, action="generate"))
    except PipelineError as error:  # never leave a job queued that no message will run
        store.fail(job, JobError(code=error.code.value, message=error.message))
        raise
    return job


def create_generation(
    request: CreateGenerationRequest,
    caller: Caller,
    *,
    host: HostDirectory,
    store: JobStore,
    queue: JobQueue,
    storage: Storage,
    settings: Settings,
    idempotency_key: str | None = None,
    persistence: BasePersistenceLayer | None = None,
    lambda_context: Any = None,
) -> Job:
    """Validate, write the queued job and queue it. With `idempotency_key` (and a
    persistence layer), a repeat of the same body by the same caller returns the same job;
    the same key with another body is refused with `idempotency_conflict`."""

    def create() -> Job:
        return _create(
            request,
            caller,
            host=host,
            store=store,
            queue=queue,
            storage=storage,
            settings=settings,
        )

    if not idempotency_key or persistence is None:
        return create()
    if len(idempotency_key) > IDEMPOTENCY_KEY_MAX_CHARS:
        raise PipelineError(
            ErrorCode.VALIDATION_ERROR,
            f"The Idempotency-Key header is longer than {IDEMPOTENCY_KEY_MAX_CHARS} characters.",
            details={"field": "Idempotency-Key"},
        )
    config = IdempotencyConfig(
        event_key_jmespath="key",
        payload_validation_jmespath="body",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=settings.idempotency_ttl_s,
    )
    if lambda_context is not None:  # lets Powertools expire a crashed in-progress record
        config.register_lambda_context(lambda_context)

    @idempotent_function(  # type: ignore[untyped-decorator]
        data_keyword_argument="data",
        persistence_store=persistence,
        config=config,
        key_prefix="create_generation",
    )
    def create_once(data: dict[str, Any]) -> dict[str, str]:
        return {"job_id": create().id}

    try:
        result = create_once(
            data={
                "key": f"{caller.user_id}:{idempotency_key}",
                "body": request.model_dump(mode="json"),
            }
        )
    except IdempotencyValidationError as error:
        raise PipelineError(
            ErrorCode.IDEMPOTENCY_CONFLICT,
            "This Idempotency-Key was used with another request body.",
            details={"field": "Idempotency-Key"},
        ) from error
    except IdempotencyAlreadyInProgressError as error:
        raise PipelineError(
            ErrorCode.CONFLICT,
            "A request with this Idempotency-Key is still being handled; retry shortly.",
            retryable=True,
            details={"field": "Idempotency-Key"},
        ) from error
    return store.require(str(result["job_id"]))


# --- read ------------------------------------------------------------------------------
def get_generation(job_id: str, *, store: JobStore, storage: Storage, settings: Settings) -> Job:
    """The job; when it succeeded, its output carries a short-lived download URL."""
    job = store.require(job_id)
    if job.status == "succeeded" and job.output is not None:
        url = storage.presigned_get(job.output.key, expires_in=settings.output_url_expiry_s)
        job = job.model_copy(update={"output": job.output.model_copy(update={"url": url})})
    return job


def list_generations(
    identity_id: str, *, limit: int, cursor: str | None, store: JobStore
) -> GenerationList:
    page = store.list_for_identity(identity_id, limit=limit, cursor=cursor)
    return GenerationList(items=page.jobs, next_cursor=page.next_cursor)


# --- apply -----------------------------------------------------------------------------
def request_apply(job_id: str, *, store: JobStore, queue: JobQueue) -> Job:
    """Ask the worker to save a succeeded job's image to its identity. An apply already
    pending is not asked twice; an applied (or failed) one can be asked again."""
    job = store.require(job_id)
    if job.status != "succeeded":
        raise PipelineError(
            ErrorCode.GENERATION_NOT_READY,
            f"Generation {job_id!r} is {job.status}; only a succeeded one can be applied.",
            details={"generation_id": job_id, "status": job.status},
        )
    if job.apply.status == "pending":
        return job
    updated = store.request_apply(job_id)
    if updated is None:  # another request made it pending in between
        return store.require(job_id)
    try:
        queue.send(JobMessage(job_id=job_id, action="apply"))
    except PipelineError as error:  # never leave an apply pending that no message will run
        store.finish_apply(updated, error=JobError(code=error.code.value, message=error.message))
        raise
    return updated
