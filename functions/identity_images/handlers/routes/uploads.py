"""POST /v1/uploads."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from identity_images.handlers.routes import deps
from identity_images.handlers.routes.errors import json_response, responses
from identity_images.logic.uploads import create_uploads
from identity_images.models.api import CreateUploadsRequest, CreateUploadsResponse

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
    caller: deps.TheCaller,
    services: deps.TheServices,
) -> Response[CreateUploadsResponse]:
    answer = create_uploads(body, caller, storage=services.storage, settings=services.settings)
    return json_response(201, answer)
