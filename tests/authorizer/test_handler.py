"""The Lambda entry point end to end, with the sample REST `REQUEST` authorizer event and
settings from the environment, as API Gateway would call it."""

from __future__ import annotations

import copy
import io
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from identity_images.handlers import authorizer
from tests.authorizer.conftest import (
    DjangoServer,
    JwksServer,
    Reply,
    SigningKey,
    hs_token,
)

EVENT = json.loads((Path(__file__).parents[2] / "events" / "authorizer_request.json").read_text())
STAGE_ARN = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod"


@dataclass
class FakeContext:
    function_name: str = "identity-images-authorizer"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = (
        "arn:aws:lambda:eu-west-1:123456789012:function:identity-images-authorizer"
    )
    aws_request_id: str = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"


def event(authorization: str | None, header_name: str = "Authorization") -> dict[str, Any]:
    """The sample event with this Authorization header (or none)."""
    sample: dict[str, Any] = copy.deepcopy(EVENT)
    for headers in (sample["headers"], sample["multiValueHeaders"]):
        headers.pop("Authorization")
        if authorization is not None:
            headers[header_name] = (
                authorization if headers is sample["headers"] else [authorization]
            )
    return sample


def invoke(authorization: str | None, header_name: str = "Authorization") -> dict[str, Any]:
    result: dict[str, Any] = authorizer.handler(
        event(authorization, header_name),
        FakeContext(),  # type: ignore[arg-type]
    )
    return result


def statements(policy: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(s["Effect"], s["Resource"]) for s in policy["policyDocument"]["Statement"]]


@pytest.fixture
def jwt_env(clean_env: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    clean_env.setenv("AUTH_MODE", "jwt")
    clean_env.setenv("JWT_SECRET", "django-insecure-0123456789abcdef0123456789abcdef-test-only")
    return clean_env


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """The authorizer's log lines, formatted as Powertools writes them to CloudWatch."""
    buffer = io.StringIO()
    capture = logging.StreamHandler(buffer)
    capture.setFormatter(authorizer.logger.registered_formatter)
    authorizer.logger.addHandler(capture)
    yield buffer
    authorizer.logger.handlers.remove(capture)


@pytest.mark.usefixtures("jwt_env")
def test_an_admin_gets_an_allow_for_every_route_of_the_stage_with_the_context() -> None:
    expires = int(time.time()) + 120
    answer = invoke(f"Bearer {hs_token(exp=expires)}")
    assert answer["principalId"] == "42"
    assert statements(answer) == [("Allow", [f"{STAGE_ARN}/*/*"])]
    # `exp` lets the API refuse the token once it expires, whatever the gateway cached.
    assert answer["context"] == {
        "user_id": "42",
        "username": "ada",
        "is_staff": "true",
        "exp": str(expires),
    }
    assert all(isinstance(v, str) for v in answer["context"].values())


@pytest.mark.usefixtures("jwt_env")
def test_a_lowercase_header_name_is_read_too() -> None:
    assert invoke(f"Bearer {hs_token()}", header_name="authorization")["principalId"] == "42"


@pytest.mark.usefixtures("jwt_env")
def test_a_member_gets_an_explicit_deny_for_every_route() -> None:
    answer = invoke(f"Bearer {hs_token(user_id='7', is_staff=False)}")
    assert answer["principalId"] == "7"
    assert statements(answer) == [("Deny", [f"{STAGE_ARN}/*/*"])]
    assert "context" not in answer


@pytest.mark.usefixtures("jwt_env")
@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer not-a-jwt",
        f"Bearer {hs_token(exp=int(time.time()) - 3600)}",
        f"Bearer {hs_token(secret='a-forged-secret-a-forged-secret-a-forged-secret')}",
        f"Bearer {hs_token(user_id='auth0|42')}",  # no id of the host's
    ],
)
def test_a_missing_or_bad_token_raises_exactly_unauthorized(authorization: str | None) -> None:
    with pytest.raises(Exception) as caught:  # noqa: PT011 - API Gateway wants this exact type
        invoke(authorization)
    assert type(caught.value) is Exception
    assert str(caught.value) == "Unauthorized"


def test_the_token_never_reaches_the_logs(
    jwt_env: pytest.MonkeyPatch, log_output: io.StringIO
) -> None:
    good, member = hs_token(), hs_token(is_staff=False, user_id="7")
    expired = hs_token(exp=int(time.time()) - 3600)
    invoke(f"Bearer {good}")
    invoke(f"Bearer {member}")
    with pytest.raises(Exception, match="Unauthorized"):
        invoke(f"Bearer {expired}")
    lines = [json.loads(line) for line in log_output.getvalue().splitlines()]
    assert [line["message"] for line in lines] == [
        "Admin allowed",
        "Caller is not an admin",
        "Caller not authenticated",
    ]
    assert lines[2]["reason"] == "The token has expired."
    for token in (good, member, expired):
        for part in token.split("."):
            assert part not in log_output.getvalue()


def test_rs256_through_a_jwks_url_and_the_key_set_is_fetched_once_per_cold_start(
    clean_env: pytest.MonkeyPatch, jwks_server: JwksServer, rs_key: SigningKey
) -> None:
    jwks_server.keys = [rs_key.jwk]
    clean_env.setenv("JWT_ALGORITHMS", "RS256, ES256")
    clean_env.setenv("JWKS_URL", jwks_server.jwks_url)
    clean_env.setenv("JWT_AUDIENCE", "identity-images")
    clean_env.setenv("JWT_ISSUER", "https://host.example")
    token = rs_key.token(aud="identity-images", iss="https://host.example")
    assert statements(invoke(f"Bearer {token}")) == [("Allow", [f"{STAGE_ARN}/*/*"])]
    assert invoke(f"Bearer {token}")["principalId"] == "42"
    assert len(jwks_server.requests) == 1
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        invoke(f"Bearer {rs_key.token(aud='another-api', iss='https://host.example')}")


def test_a_jwks_outage_is_an_error_not_a_deny_and_not_unauthorized(
    clean_env: pytest.MonkeyPatch, jwks_server: JwksServer, rs_key: SigningKey
) -> None:
    jwks_server.status = 503
    clean_env.setenv("JWT_ALGORITHMS", "RS256")
    clean_env.setenv("JWKS_URL", jwks_server.jwks_url)
    with pytest.raises(authorizer.AuthorizerUnavailableError):
        invoke(f"Bearer {rs_key.token()}")


def test_introspect_mode_asks_django(
    clean_env: pytest.MonkeyPatch, django_server: DjangoServer
) -> None:
    clean_env.setenv("AUTH_MODE", "introspect")
    clean_env.setenv("DJANGO_INTROSPECT_URL", django_server.me_url)
    django_server.users["Bearer opaque-admin"] = Reply(
        200, b'{"id": 5, "username": "grace", "is_staff": true}'
    )
    django_server.users["Bearer opaque-member"] = Reply(
        200, b'{"id": 6, "username": "bob", "is_staff": false}'
    )
    allowed = invoke("Bearer opaque-admin")
    assert allowed["context"] == {"user_id": "5", "username": "grace", "is_staff": "true"}
    assert statements(invoke("Bearer opaque-member")) == [("Deny", [f"{STAGE_ARN}/*/*"])]
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        invoke("Bearer opaque-stranger")


def test_introspect_mode_with_django_down_is_an_error(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("AUTH_MODE", "introspect")
    clean_env.setenv("DJANGO_INTROSPECT_URL", "http://127.0.0.1:9/api/v1/users/me/")
    with pytest.raises(authorizer.AuthorizerUnavailableError):
        invoke("Bearer opaque-admin")


def test_the_hs256_key_comes_from_secrets_manager(clean_env: pytest.MonkeyPatch) -> None:
    secret = "a-key-stored-in-secrets-manager-0123456789abcdef"
    clean_env.setenv("AWS_DEFAULT_REGION", "us-east-1")
    clean_env.setenv("AWS_ACCESS_KEY_ID", "testing")
    clean_env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        arn = boto3.client("secretsmanager", region_name="us-east-1").create_secret(
            Name="identity-images/jwt", SecretString=secret
        )["ARN"]
        clean_env.setenv("JWT_SECRET_ARN", arn)
        assert invoke(f"Bearer {hs_token(secret=secret)}")["principalId"] == "42"
        with pytest.raises(Exception, match=r"^Unauthorized$"):
            invoke(f"Bearer {hs_token()}")


def test_a_configuration_without_any_key_fails_loudly(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="no JWT secret"):
        invoke(f"Bearer {hs_token()}")
