"""`resolve_secret` against Secrets Manager (moto, in process)."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws
from mypy_boto3_secretsmanager import SecretsManagerClient
from pydantic import SecretStr

from identity_images.adapters import aws, secrets


@pytest.fixture
def secretsmanager(clean_env: pytest.MonkeyPatch) -> Iterator[SecretsManagerClient]:
    clean_env.setenv("AWS_ACCESS_KEY_ID", "testing")
    clean_env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    clean_env.setenv("AWS_REGION", "us-east-1")
    with mock_aws():
        secrets.clear_cache()
        yield boto3.client("secretsmanager", region_name="us-east-1")
    secrets.clear_cache()
    aws.reset_clients()


def test_the_plain_value_is_used_when_no_arn_is_set() -> None:
    assert secrets.resolve_secret(SecretStr("local-value"), None) == "local-value"
    assert secrets.resolve_secret(SecretStr("local-value"), "") == "local-value"


def test_nothing_set_is_none() -> None:
    assert secrets.resolve_secret(None, None) is None


def test_the_arn_wins_over_the_plain_value(secretsmanager: SecretsManagerClient) -> None:
    arn = secretsmanager.create_secret(Name="app/jwt", SecretString="from-aws")["ARN"]
    assert secrets.resolve_secret(SecretStr("local-value"), arn) == "from-aws"
    assert secrets.resolve_secret(None, "app/jwt") == "from-aws", "a name works as well"


def test_a_binary_secret_is_decoded(secretsmanager: SecretsManagerClient) -> None:
    arn = secretsmanager.create_secret(Name="app/bin", SecretBinary=b"bytes-secret")["ARN"]
    assert secrets.resolve_secret(None, arn) == "bytes-secret"


def test_a_missing_secret_raises_rather_than_falling_back(
    secretsmanager: SecretsManagerClient,
) -> None:
    with pytest.raises(Exception, match="ResourceNotFound"):
        secrets.resolve_secret(SecretStr("local-value"), "app/does-not-exist")


def test_a_warm_lambda_reads_the_secret_once_per_cache_period(
    secretsmanager: SecretsManagerClient,
) -> None:
    arn = secretsmanager.create_secret(Name="app/rotating", SecretString="v1")["ARN"]
    assert secrets.resolve_secret(None, arn) == "v1"
    secretsmanager.put_secret_value(SecretId=arn, SecretString="v2")
    assert secrets.resolve_secret(None, arn) == "v1", "served from the cache"
    secrets.clear_cache()
    assert secrets.resolve_secret(None, arn) == "v2", "the rotated value after the cache"
