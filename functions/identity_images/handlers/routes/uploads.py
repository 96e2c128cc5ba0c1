"""POST /v1/uploads."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from identity_images.adapters.storage import Storage
from identity_images.handlers.routes import deps
from identity_images.handlers.routes.errors import json_response, responses
from identity_images.logic.uploads import create_uploads
from identity_images.models.api import Caller, CreateUploadsRequest, CreateUploadsResponse
from identity_images.settings import Settings

router = APIGatewayRouter()  # type: ignore[no-untyped-call]


@router.post(
    "/v1/uploads",
    summary="Presigned POSTs for reference photos",
    description="One presigned POST per file, pinned to its key, content type and size range.",
    responses=responses(201, "The upload forms", CreateUploadsResponse),
    tags=["uploads"],
)
def post_uploads(
    body: CreateUploadsRequest,
    caller: Annotated[Caller, Depends(deps.caller)],
    storage: Annotated[Storage, Depends(deps.storage)],
    settings: Annotated[Settings, Depends(deps.settings)],
) -> Response[CreateUploadsResponse]:
    answer = create_uploads(body, caller, storage=storage, settings=settings)
    return json_response(201, answer)
