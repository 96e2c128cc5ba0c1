"""Secrets: from the environment locally, from Secrets Manager in AWS.

A setting pairs a plain value (`GEMINI_API_KEY`) with a Secrets Manager name or ARN
(`GEMINI_API_KEY_SECRET_ARN`). The ARN wins when set; Powertools Parameters fetches it
and caches it for `max_age` seconds, so a rotated secret is picked up without a
redeploy and a warm Lambda does not call Secrets Manager on every invocation.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from aws_lambda_powertools.utilities import parameters
from pydantic import SecretStr

from identity_images.adapters import aws
from identity_images.settings import AwsSettings

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient

SECRET_CACHE_S = 300


@cache
def _provider(client: SecretsManagerClient) -> parameters.SecretsProvider:
    """One provider per client, kept for the process: the provider holds the cache (a
    provider made per call would cache nothing and call Secrets Manager every time)."""
    return parameters.SecretsProvider(boto3_client=client)


def clear_cache() -> None:
    """Forget every cached secret (tests; the next read goes to Secrets Manager)."""
    _provider.cache_clear()


def resolve_secret(
    value: SecretStr | None, arn: str | None, settings: AwsSettings | None = None
) -> str | None:
    """The secret's text, or None when neither source is set (Secrets Manager reached
    as `settings` say)."""
    read = secret_reader(value, arn, settings)
    return read() if read is not None else None


def secret_reader(
    value: SecretStr | None, arn: str | None, settings: AwsSettings | None = None
) -> Callable[[], str | None] | None:
    """How to read a secret on each use: from Secrets Manager through the cache when
    `arn` is set (its client built now, the secret fetched by the first read), else the
    plain `value`; None when neither is set."""
    if arn:
        provider = _provider(aws.secretsmanager(settings))
        return lambda: _read(provider, arn)
    if value is not None:
        return value.get_secret_value
    return None


def _read(provider: parameters.SecretsProvider, arn: str) -> str | None:
    secret = provider.get(arn, max_age=SECRET_CACHE_S)
    if isinstance(secret, bytes):
        return secret.decode()
    return str(secret) if secret is not None else None
