"""/v1/identities/{identity_id}/references: an identity's kept reference photos."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from identity_images.handlers.routes import deps
from identity_images.handlers.routes.errors import ERROR_RESPONSES, json_response, responses
from identity_images.logic import references
from identity_images.models.api import (
    HOST_ID_PATTERN,
    CreateReferencesResponse,
    CreateUploadsRequest,
    ReferenceList,
)

router = APIGatewayRouter()  # type: ignore[no-untyped-call]

TheCaller = deps.TheCaller
TheServices = deps.TheServices

IdentityId = Annotated[str, Path(min_length=1, max_length=128, pattern=HOST_ID_PATTERN)]
ReferenceId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=references.REFERENCE_ID_PATTERN)
]


@router.post(
    "/v1/identities/<identity_id>/references",
    summary="Presigned POSTs into an identity's reference folder",
    description="Same body and rules as `POST /v1/uploads`; each form is pinned to "
    "`references/identities/{identity_id}/{reference_id}.{ext}`. A new photo there "
    "regenerates the identity's image (see docs/regeneration.md).",
    responses=responses(201, "The upload forms", CreateReferencesResponse),
    tags=["references"],
)
def post_references(
    identity_id: IdentityId, body: CreateUploadsRequest, caller: TheCaller, services: TheServices
) -> Response[CreateReferencesResponse]:
    answer = references.create_reference_uploads(
        identity_id,
        body,
        caller,
        host=services.host,
        storage=services.storage,
        settings=services.settings,
    )
    return json_response(201, answer)


@router.get(
    "/v1/identities/<identity_id>/references",
    summary="An identity's reference photos",
    description="Newest first, each with a short-lived download URL; paginated: pass "
    "`next_cursor` back as `cursor`. Every reference listed can be deleted.",
    responses=responses(200, "The photos", ReferenceList),
    tags=["references"],
)
def get_references(
    identity_id: IdentityId,
    caller: TheCaller,
    services: TheServices,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(min_length=1, max_length=2048)] = None,
) -> ReferenceList:
    return references.list_references(
        identity_id,
        caller,
        limit=limit,
        cursor=cursor,
        host=services.host,
        storage=services.storage,
        settings=services.settings,
    )


@router.delete(
    "/v1/identities/<identity_id>/references/<reference_id>",
    summary="Remove one reference photo",
    description="204; 404 `reference_not_found` if the folder has no such photo. "
    "Removing triggers no regeneration.",
    # No content: given none, Powertools declares the return type's as JSON, which a 204
    # never has.
    responses={204: {"description": "Removed, no content", "content": {}}, **ERROR_RESPONSES},
    tags=["references"],
)
def delete_reference(
    identity_id: IdentityId, reference_id: ReferenceId, caller: TheCaller, services: TheServices
) -> Response[Any]:
    references.delete_reference(
        identity_id,
        reference_id,
        caller,
        host=services.host,
        storage=services.storage,
        settings=services.settings,
    )
    return Response(status_code=204)
