"""/v1/generations: create (202), read, list, apply; variants (/v1/generation-batches),
refine, re-run and cancel."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from identity_images.handlers.routes import deps
from identity_images.handlers.routes.errors import json_response, responses
from identity_images.logic import generations
from identity_images.models.api import (
    HOST_ID_PATTERN,
    CreateGenerationRequest,
    CreateVariantsRequest,
    GenerationBatch,
    GenerationList,
    RefineRequest,
    RerunRequest,
)
from identity_images.models.jobs import Job

router = APIGatewayRouter()  # type: ignore[no-untyped-call]

#: The longest `Idempotency-Key` header the routes accept (422 `validation_error` beyond).
IDEMPOTENCY_KEY_MAX_CHARS = 128

GenerationId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
TheCaller = deps.TheCaller
#: The generation routes' bundle (`logic.generations.Generations`): host, jobs table,
#: queue, bucket, settings, idempotency records.
TheGenerations = deps.TheGenerations
#: At least one character: an empty header was taken as no key, so a client that sent
#: `Idempotency-Key:` (a key it failed to fill in) got a new job for every retry.
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="idempotency-key",
        min_length=1,
        max_length=IDEMPOTENCY_KEY_MAX_CHARS,
        description="Same key + same body = the same answer: a retry makes no new jobs. "
        "1 to 128 characters; an empty one is refused (422), not taken as none.",
    ),
]


@router.post(
    "/v1/generations",
    summary="Start a generation job",
    description="Validates everything, writes the queued job and queues it. An "
    "`Idempotency-Key` header makes a retried POST return the same job.",
    responses=responses(202, "The queued job", Job),
    tags=["generations"],
)
def post_generation(
    body: CreateGenerationRequest,
    caller: TheCaller,
    generation_services: TheGenerations,
    idempotency_key: IdempotencyKey = None,
) -> Response[Job]:
    job = generations.create_generation(
        body,
        caller,
        generation_services,
        idempotency_key=idempotency_key,
    )
    return json_response(202, job)


@router.get(
    "/v1/generations/<generation_id>",
    summary="A generation job",
    description="When it succeeded, `output.url` is a short-lived download URL.",
    responses=responses(200, "The job", Job),
    tags=["generations"],
)
def get_generation(
    generation_id: GenerationId, caller: TheCaller, generation_services: TheGenerations
) -> Job:
    return generations.get_generation(generation_id, caller, generation_services)


@router.get(
    "/v1/generations",
    summary="An identity's generation history",
    description="Newest first; pass `next_cursor` back as `cursor` for the next page. "
    "`saved=true`: only the generations whose image was saved to the identity at least once "
    "(a page may then hold fewer than `limit`, even none, and still have a next one).",
    responses=responses(200, "A page of jobs", GenerationList),
    tags=["generations"],
)
def list_generations(
    identity_id: Annotated[str, Query(min_length=1, max_length=128, pattern=HOST_ID_PATTERN)],
    caller: TheCaller,
    generation_services: TheGenerations,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    saved: Annotated[bool, Query()] = False,
) -> GenerationList:
    return generations.list_generations(
        identity_id, caller, generation_services, limit=limit, cursor=cursor, saved=saved
    )


@router.post(
    "/v1/generations/<generation_id>/apply",
    summary="Save a generation's image to its identity",
    description="Marks the apply pending and queues it; 409 `generation_not_ready` unless "
    "the job succeeded.",
    responses=responses(202, "The job, apply pending", Job),
    tags=["generations"],
)
def apply_generation(
    generation_id: GenerationId, caller: TheCaller, generation_services: TheGenerations
) -> Response[Job]:
    return json_response(202, generations.request_apply(generation_id, caller, generation_services))


@router.post(
    "/v1/generation-batches",
    summary="Start 1..N candidate generations (variants)",
    description="The body of `POST /v1/generations` plus `count` (1..`max_variants` of "
    "`GET /v1/config`): `count` jobs (Gemini gives one image per call) written together "
    "under one `batch_id`. One `Idempotency-Key` covers the whole batch. 422 "
    "`validation_error` (`details.field` = `count`) when the count is out of range.",
    responses=responses(202, "The queued jobs, in `batch_index` order", GenerationBatch),
    tags=["generations"],
)
def post_generation_batch(
    body: CreateVariantsRequest,
    caller: TheCaller,
    generation_services: TheGenerations,
    idempotency_key: IdempotencyKey = None,
) -> Response[GenerationBatch]:
    batch = generations.create_variants(
        body,
        caller,
        generation_services,
        idempotency_key=idempotency_key,
    )
    return json_response(202, batch)


@router.post(
    "/v1/generations/<generation_id>/refine",
    summary="Refine a succeeded generation with an instruction",
    description="New generations (`kind` `refine`, `count` of them, one batch) that send "
    "Gemini the parent's output as the image to edit, with the parent's references, and "
    "record `parent_generation_id` and `instruction`. 409 `generation_not_ready` unless "
    "the parent succeeded; 403 `forbidden` for another admin's identity.",
    responses=responses(202, "The queued jobs", GenerationBatch),
    tags=["generations"],
)
def post_refine(
    generation_id: GenerationId,
    body: RefineRequest,
    caller: TheCaller,
    generation_services: TheGenerations,
    idempotency_key: IdempotencyKey = None,
) -> Response[GenerationBatch]:
    batch = generations.refine_generation(
        generation_id,
        body,
        caller,
        generation_services,
        idempotency_key=idempotency_key,
    )
    return json_response(202, batch)


@router.post(
    "/v1/generations/<generation_id>/rerun",
    summary="Run a finished generation again",
    description="New generations (`kind` `rerun`) with the parent's settings, prompt and "
    "references (its kept prepared references, so this works after `uploads/` expired). "
    "409 `generation_not_finished` while the parent is queued or running.",
    responses=responses(202, "The queued jobs", GenerationBatch),
    tags=["generations"],
)
def post_rerun(
    generation_id: GenerationId,
    body: RerunRequest,
    caller: TheCaller,
    generation_services: TheGenerations,
    idempotency_key: IdempotencyKey = None,
) -> Response[GenerationBatch]:
    batch = generations.rerun_generation(
        generation_id,
        body,
        caller,
        generation_services,
        idempotency_key=idempotency_key,
    )
    return json_response(202, batch)


@router.post(
    "/v1/generations/<generation_id>/cancel",
    summary="Cancel a queued generation",
    description="A queued job (also one waiting to retry) becomes `canceled` and is never "
    "run. 409 `generation_running` once a worker runs it, 409 `generation_finished` when it "
    "succeeded or failed; canceling a canceled job answers it again.",
    responses=responses(200, "The canceled job", Job),
    tags=["generations"],
)
def post_cancel(
    generation_id: GenerationId, caller: TheCaller, generation_services: TheGenerations
) -> Job:
    return generations.cancel_generation(generation_id, caller, generation_services)
