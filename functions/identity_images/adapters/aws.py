"""boto3 clients built one way everywhere: the given settings' region and, locally, the
moto server's endpoint. Clients are cached per process (per service, region and
endpoint), as a Lambda should keep them. The adapters pass the settings they were built
with; called without, a client follows the process's settings (the operator tools and
tests).

All of them come from one boto3 session: a session's loader reads botocore's endpoint,
partition and retry data once and keeps it, so the second client of a cold start costs a
fraction of the first (a session per client read it all again: the API's first request
built four clients in about 4x the time of one). A session is not thread-safe, its clients
are: building one holds a lock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from identity_images.settings import AwsSettings, get_settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sqs import SQSClient

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, signature_version="s3v4")


_lock = threading.Lock()
_session: boto3.session.Session | None = None
_clients: dict[tuple[str, str, str | None], Any] = {}


def _client(service: str, settings: AwsSettings | None) -> Any:
    global _session
    settings = settings or get_settings()
    key = (service, settings.aws_region, settings.aws_endpoint_url)
    client = _clients.get(key)
    if client is not None:
        return client
    with _lock:
        client = _clients.get(key)
        if client is None:
            if _session is None:
                _session = boto3.session.Session()
            client = _session.client(
                service,  # type: ignore[call-overload]
                region_name=settings.aws_region,
                endpoint_url=settings.aws_endpoint_url,
                config=_CONFIG,
            )
            _clients[key] = client
    return client


def s3(settings: AwsSettings | None = None) -> S3Client:
    client: S3Client = _client("s3", settings)
    return client


def sqs(settings: AwsSettings | None = None) -> SQSClient:
    client: SQSClient = _client("sqs", settings)
    return client


def dynamodb(settings: AwsSettings | None = None) -> DynamoDBClient:
    client: DynamoDBClient = _client("dynamodb", settings)
    return client


def secretsmanager(settings: AwsSettings | None = None) -> SecretsManagerClient:
    client: SecretsManagerClient = _client("secretsmanager", settings)
    return client


def build_clients(settings: AwsSettings, services: Iterable[str]) -> None:
    """Build the clients of `services` now, as the first call of each would. Nothing of the
    pipeline's is called: a client opens its connections on its first request. Making one
    resolves the role's credentials: from the environment on demand, from Lambda's local
    credentials endpoint under SnapStart (then renewed by botocore as they expire)."""
    for service in services:
        _client(service, settings)


def reset_clients() -> None:
    """Forget cached clients and the session (tests change the endpoint and the
    credentials between cases)."""
    global _session
    with _lock:
        _clients.clear()
        _session = None
