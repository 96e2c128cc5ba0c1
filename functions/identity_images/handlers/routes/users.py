"""/v1/users: the user selector and a user's identities."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from identity_images.domain import HostDirectory
from identity_images.handlers.routes import deps
from identity_images.handlers.routes.errors import responses
from identity_images.logic import users
from identity_images.models.api import HOST_ID_PATTERN, IdentityList, UserList
from identity_images.models.ports import JobStore

router = APIGatewayRouter()  # type: ignore[no-untyped-call]


@router.get(
    "/v1/users",
    summary="The caller and the test users",
    responses=responses(200, "The users", UserList),
    tags=["users"],
)
def get_users(
    caller: deps.TheCaller, host: Annotated[HostDirectory, Depends(deps.host)]
) -> UserList:
    return UserList(users=users.list_users(caller, host))


@router.get(
    "/v1/users/<user_id>/identities",
    summary="A user's identities",
    description="`me` is the caller; other ids must be test users. Each identity has an "
    "`image_url` the browser can show (short-lived when the image is in the pipeline's "
    "bucket, else the host's own URL), and an `image_preview_url` when its image is a "
    "generation's output stored with a preview.",
    responses=responses(200, "The identities", IdentityList),
    tags=["users"],
)
def get_identities(
    user_id: Annotated[str, Path(min_length=1, max_length=128, pattern=HOST_ID_PATTERN)],
    caller: deps.TheCaller,
    services: deps.TheServices,
    jobs: Annotated[JobStore, Depends(deps.job_store)],
) -> IdentityList:
    identities = users.list_identities(
        user_id,
        caller,
        services.host,
        jobs=jobs,
        storage=services.storage,
        settings=services.settings,
    )
    return IdentityList(identities=identities)
