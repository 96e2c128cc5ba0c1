"""/v1/config: what the Images tab must know before it sends anything."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from identity_images.handlers.routes import deps
from identity_images.handlers.routes.errors import responses
from identity_images.logic import config
from identity_images.models.api import ApiConfig

router = APIGatewayRouter()  # type: ignore[no-untyped-call]


@router.get(
    "/v1/config",
    summary="What the Images tab must know before it sends anything",
    description="Reference limits and accepted types (with file extensions), the prompt "
    "limit, aspect ratios and sizes with their defaults, the model, the most variants per "
    "request, and the estimated price of one image per size: the settings the API "
    "validates with.",
    responses=responses(200, "The configuration", ApiConfig),
    tags=["config"],
)
def get_config(_caller: deps.TheCaller, settings: deps.TheSettings) -> ApiConfig:
    return config.api_config(settings)
