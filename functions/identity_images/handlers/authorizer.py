"""API Gateway (REST) `REQUEST` authorizer: admins in, everyone else out.

- An admin gets an Allow policy for every method and path of the stage
  (`.../{stage}/*/*`), so the answer API Gateway caches for the token never denies the
  next route, with the context `user_id`, `username`, `is_staff`.
- No, bad or expired token: the Lambda raises `Exception("Unauthorized")`, the exact
  text API Gateway turns into a 401.
- A valid token of a user who is not an admin: an explicit Deny policy (a 403).
- The JWKS URL or Django down: an error (API Gateway answers 500 `AUTHORIZER_FAILURE`
  and caches nothing). Never an Allow; never a cached Deny for a caller who may be fine.

The token is never logged.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerRequestEvent,
    APIGatewayAuthorizerResponse,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from identity_images.handlers import init_phase
from identity_images.logic.auth import (
    AdminAuthenticator,
    AuthUnavailableError,
    NotAnAdminError,
    UnauthenticatedError,
)
from identity_images.settings import AuthSettings

logger = Logger(service="identity-images-authorizer")

# API Gateway answers 401 only for an error whose message is exactly this.
UNAUTHORIZED = "Unauthorized"


class AuthorizerUnavailableError(RuntimeError):
    """Raised so API Gateway answers 500 (not a cached deny) while a dependency is down."""


@cache
def get_authenticator() -> AdminAuthenticator:
    """Built on the first invocation and reused while the Lambda is warm (JWKS cache,
    HTTP connections)."""
    return AdminAuthenticator.from_settings(AuthSettings())


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = APIGatewayAuthorizerRequestEvent(event)
    route = request.parsed_arn
    logger.append_keys(http_method=route.http_method, resource=request.get("resource"))
    try:
        caller = get_authenticator().authenticate(request.headers.get("Authorization"))
    except UnauthenticatedError as exc:
        logger.info("Caller not authenticated", extra={"reason": exc.message})
        raise Exception(UNAUTHORIZED) from None
    except NotAnAdminError as exc:
        logger.info("Caller is not an admin", extra={"user_id": exc.caller.user_id})
        deny = APIGatewayAuthorizerResponse.from_route_arn(
            request.method_arn, principal_id=exc.caller.user_id
        )
        deny.deny_all_routes()
        return deny.asdict()
    except AuthUnavailableError as exc:
        logger.error("Cannot authenticate now", extra={"reason": exc.message})
        raise AuthorizerUnavailableError(exc.message) from None

    logger.info("Admin allowed", extra={"user_id": caller.user_id})
    allow = APIGatewayAuthorizerResponse.from_route_arn(
        request.method_arn, principal_id=caller.user_id, context=caller.authorizer_context()
    )
    allow.allow_all_routes()
    return allow.asdict()


init_phase.prepare(get_authenticator, logger=logger)
