"""boto3 clients built one way everywhere: the given settings' region and, locally, the
moto server's endpoint. Clients are cached per process (per region and endpoint), as a
Lambda should keep them. The adapters pass the settings they were built with; called
without, a client follows the process's settings (the operator tools and tests)."""

from __future__ import annotations

from functools import cache
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


@cache
def _cached(service: str, region: str, endpoint_url: str | None) -> Any:
    return boto3.session.Session().client(
        service,  # type: ignore[call-overload]
        region_name=region,
        endpoint_url=endpoint_url,
        config=_CONFIG,
    )


def _client(service: str, settings: AwsSettings | None) -> Any:
    settings = settings or get_settings()
    return _cached(service, settings.aws_region, settings.aws_endpoint_url)


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


def reset_clients() -> None:
    """Forget cached clients (tests change the endpoint between cases)."""
    _cached.cache_clear()
