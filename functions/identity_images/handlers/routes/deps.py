"""What the routes depend on, as Powertools `Depends` callables (tests override them with
`app.dependency_overrides`). Every provider takes the settings from `settings`, so
overriding that one reaches every adapter; an override is called with the parameters of
the provider it replaces (Powertools passes them), so it takes `**_`. Nothing here
imports google-genai or Pillow."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.request import Request
from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer
from pydantic import ValidationError

from identity_images.adapters import aws
from identity_images.adapters.django_host import DjangoHost
from identity_images.adapters.idempotency import PowertoolsIdempotency
from identity_images.adapters.job_queue import JobQueue as SqsJobQueue
from identity_images.adapters.job_store import JobStore as DynamoJobStore
from identity_images.adapters.storage import Storage
from identity_images.domain import Caller, HostDirectory
from identity_images.errors import ErrorCode, PipelineError
from identity_images.logic.access import ActiveAdminCheck, check_not_expired
from identity_images.logic.generations import Generations
from identity_images.models.ports import Idempotency, JobQueue, JobStore, ObjectStore
from identity_images.settings import API_CLIENTS, API_RESOURCES, Settings, get_settings


def settings() -> Settings:
    """The process's settings; the API's resource names must be set (`Settings.require`)."""
    return get_settings().require(API_RESOURCES)


def prepare() -> None:
    """Build what any route's first request would: the settings, the AWS clients and the
    host's adapter (a step of Lambda's init, `handlers.init_phase`; nothing is called)."""
    config = settings()
    aws.build_clients(config, API_CLIENTS)
    _host(config)


Config = Annotated[Settings, Depends(settings)]


@cache
def _host(config: Settings) -> DjangoHost:
    return DjangoHost.from_settings(config)


def host(config: Config) -> HostDirectory:
    return _host(config)


@cache
def _admin_check(ttl_s: int) -> ActiveAdminCheck:
    return ActiveAdminCheck(ttl_s)


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def caller(
    request: Request, directory: Annotated[HostDirectory, Depends(host)], config: Config
) -> Caller:
    """The admin the authorizer let through (`requestContext.authorizer`), if their token
    has not expired since and the host still says they are an active admin (asked on
    every write; reads trust a yes for `CALLER_CHECK_TTL_S`)."""
    event = request.resolved_event
    context = event.get("requestContext") or {}
    try:
        found = Caller.from_authorizer_context(context.get("authorizer") or {})
    except ValidationError as error:
        raise PipelineError(
            ErrorCode.UNAUTHORIZED, "The request carries no authorized caller."
        ) from error
    check_not_expired(found)
    write = str(event.get("httpMethod", "")).upper() in WRITE_METHODS
    _admin_check(config.caller_check_ttl_s).check(found, directory, write=write)
    return found


def job_store(config: Config) -> JobStore:
    return DynamoJobStore.from_settings(config)


def job_queue(config: Config) -> JobQueue:
    return SqsJobQueue.from_settings(config)


def storage(config: Config) -> ObjectStore:
    return Storage.from_settings(config)


#: Where `handlers.api` puts the invocation's Lambda context in the resolver's context.
LAMBDA_CONTEXT = "lambda_context"


@cache
def _idempotency(config: Settings) -> PowertoolsIdempotency:
    return PowertoolsIdempotency(
        lambda: DynamoDBPersistenceLayer(
            table_name=config.idempotency_table_name, boto3_client=aws.dynamodb(config)
        ),
        expires_after_s=config.idempotency_ttl_s,
    )


def idempotency(config: Config, request: Request) -> Idempotency:
    """Built once per process (per settings): its idempotent functions are declared once.
    Each request hands it the invocation's Lambda context (`LAMBDA_CONTEXT`), which
    Powertools needs and the logic never sees."""
    records = _idempotency(config)
    records.register_lambda_context(request.context.get(LAMBDA_CONTEXT))
    return records


def generations(
    config: Config,
    directory: Annotated[HostDirectory, Depends(host)],
    store: Annotated[JobStore, Depends(job_store)],
    queue: Annotated[JobQueue, Depends(job_queue)],
    objects: Annotated[ObjectStore, Depends(storage)],
    records: Annotated[Idempotency, Depends(idempotency)],
) -> Generations:
    """The generation routes' ports and settings, in one."""
    return Generations(
        host=directory,
        store=store,
        queue=queue,
        storage=objects,
        settings=config,
        idempotency=records,
    )


@dataclass(frozen=True)
class Services:
    """What the users, uploads and references routes work with."""

    host: HostDirectory
    storage: ObjectStore
    settings: Settings


def services(
    config: Config,
    directory: Annotated[HostDirectory, Depends(host)],
    objects: Annotated[ObjectStore, Depends(storage)],
) -> Services:
    return Services(host=directory, storage=objects, settings=config)


#: The routes' parameters, declared once.
TheCaller = Annotated[Caller, Depends(caller)]
TheServices = Annotated[Services, Depends(services)]
TheGenerations = Annotated[Generations, Depends(generations)]
TheSettings = Config
