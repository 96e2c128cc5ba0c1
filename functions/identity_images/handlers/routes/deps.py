"""What the routes depend on, as Powertools `Depends` callables (tests override them with
`app.dependency_overrides`). Nothing here imports google-genai or Pillow."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.request import Request
from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer
from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer
from pydantic import ValidationError

from identity_images.adapters import aws
from identity_images.adapters.django_host import DjangoHost
from identity_images.adapters.job_queue import JobQueue
from identity_images.adapters.job_store import JobStore
from identity_images.adapters.storage import Storage
from identity_images.domain import HostDirectory
from identity_images.errors import ErrorCode, PipelineError
from identity_images.logic.access import ActiveAdminCheck, check_not_expired
from identity_images.models.api import Caller
from identity_images.settings import Settings, get_settings


def settings() -> Settings:
    return get_settings()


@cache
def _host(config: Settings) -> DjangoHost:
    return DjangoHost.from_settings(config)


def host() -> HostDirectory:
    return _host(get_settings())


@cache
def _admin_check(ttl_s: int) -> ActiveAdminCheck:
    return ActiveAdminCheck(ttl_s)


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def caller(request: Request, directory: Annotated[HostDirectory, Depends(host)]) -> Caller:
    """The admin the authorizer let through (`requestContext.authorizer`), if their token
    has not expired since and the host still says they are an active admin (asked on
    every write; reads trust a yes for `CALLER_CHECK_TTL_S`)."""
    event = request.resolved_event
    context = event.get("requestContext") or {}
    authorizer = context.get("authorizer") or {}
    try:
        found = Caller(
            user_id=str(authorizer.get("user_id") or ""),
            username=str(authorizer.get("username") or ""),
            is_staff=str(authorizer.get("is_staff", "")).lower() == "true",
            expires_at=authorizer.get("exp") or None,
        )
    except ValidationError as error:
        raise PipelineError(
            ErrorCode.UNAUTHORIZED, "The request carries no authorized caller."
        ) from error
    check_not_expired(found)
    write = str(event.get("httpMethod", "")).upper() in WRITE_METHODS
    _admin_check(get_settings().caller_check_ttl_s).check(found, directory, write=write)
    return found


def job_store() -> JobStore:
    return JobStore.from_settings(get_settings())


def job_queue() -> JobQueue:
    return JobQueue.from_settings(get_settings())


def storage() -> Storage:
    return Storage.from_settings(get_settings())


def idempotency() -> BasePersistenceLayer:
    return DynamoDBPersistenceLayer(
        table_name=get_settings().idempotency_table_name, boto3_client=aws.dynamodb()
    )
