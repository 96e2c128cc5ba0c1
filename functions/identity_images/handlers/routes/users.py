"""/v1/users: the user selector and a user's identities."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from identity_images.domain import HostDirectory
from identity_images.handlers.routes import deps
from identity_images.handlers.routes.errors import responses
from identity_images.logic import generations
from identity_images.models.api import HOST_ID_PATTERN, Caller, IdentityList, UserList

router = APIGatewayRouter()  # type: ignore[no-untyped-call]


@router.get(
    "/v1/users",
    summary="The caller and the test users",
    responses=responses(200, "The users", UserList),
    tags=["users"],
)
def get_users(
    caller: Annotated[Caller, Depends(deps.caller)],
    host: Annotated[HostDirectory, Depends(deps.host)],
) -> UserList:
    return UserList(users=generations.list_users(caller, host))


@router.get(
    "/v1/users/<user_id>/identities",
    summary="A user's identities",
    description="`me` is the caller; other ids must be test users.",
    responses=responses(200, "The identities", IdentityList),
    tags=["users"],
)
def get_identities(
    user_id: Annotated[str, Path(min_length=1, max_length=128, pattern=HOST_ID_PATTERN)],
    caller: Annotated[Caller, Depends(deps.caller)],
    host: Annotated[HostDirectory, Depends(deps.host)],
) -> IdentityList:
    return IdentityList(identities=generations.list_identities(user_id, caller, host))
