"""HS256 tokens signed with the shared key, checked by `AdminAuthenticator`."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest

from identity_images.errors import ErrorCode
from identity_images.logic.auth import (
    AdminAuthenticator,
    AuthUnavailableError,
    Caller,
    JwtIdentity,
    NotAnAdminError,
    UnauthenticatedError,
    bearer_token,
)
from tests.authorizer.conftest import HS_SECRET, claims, hs_token


def authenticator(secret: str | None = HS_SECRET, **options: Any) -> AdminAuthenticator:
    return AdminAuthenticator(
        JwtIdentity(algorithms=frozenset({"HS256"}), secret=lambda: secret, **options)
    )


def unsigned(header: dict[str, Any], payload: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(payload)}."


def test_a_valid_admin_token_gives_the_caller() -> None:
    expires = int(time.time()) + 120
    caller = authenticator().authenticate(f"Bearer {hs_token(exp=expires)}")
    assert caller == Caller(user_id="42", username="ada", is_staff=True, expires_at=expires)
    assert caller.authorizer_context() == {
        "user_id": "42",
        "username": "ada",
        "is_staff": "true",
        "exp": str(expires),
    }


def test_the_scheme_is_case_insensitive_and_an_int_user_id_becomes_a_string() -> None:
    caller = authenticator().authenticate(f"bearer {hs_token(user_id=7)}")
    assert caller.user_id == "7"


def test_an_expiry_written_as_a_string_is_the_callers_expiry_all_the_same() -> None:
    """PyJWT takes `"exp": "<digits>"` as that time; the API checks it again against the
    gateway's cached Allow (`access.check_not_expired`), so it must hold it too."""
    expires = int(time.time()) + 120
    caller = authenticator().authenticate(f"Bearer {hs_token(exp=str(expires))}")
    assert caller.expires_at == expires


def test_an_expired_token_is_refused() -> None:
    expired = hs_token(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600)
    with pytest.raises(UnauthenticatedError, match="expired") as caught:
        authenticator().authenticate(f"Bearer {expired}")
    assert caught.value.code is ErrorCode.UNAUTHORIZED


def test_a_token_without_exp_is_refused() -> None:
    with pytest.raises(UnauthenticatedError, match="exp"):
        authenticator().authenticate(f"Bearer {hs_token(exp=None)}")


def test_a_token_not_valid_yet_is_refused() -> None:
    with pytest.raises(UnauthenticatedError, match="not valid yet"):
        authenticator().authenticate(f"Bearer {hs_token(nbf=int(time.time()) + 3600)}")


def test_a_wrong_signature_is_refused() -> None:
    forged = hs_token(secret="another-secret-that-is-also-long-enough-for-hs256")
    with pytest.raises(UnauthenticatedError, match="signature"):
        authenticator().authenticate(f"Bearer {forged}")


def test_a_tampered_payload_is_refused() -> None:
    header, _, signature = hs_token(is_staff=False).split(".")
    payload = base64.urlsafe_b64encode(json.dumps(claims()).encode()).rstrip(b"=").decode()
    with pytest.raises(UnauthenticatedError, match="signature"):
        authenticator().authenticate(f"Bearer {header}.{payload}.{signature}")


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
def test_alg_none_is_refused(alg: str) -> None:
    token = unsigned({"alg": alg, "typ": "JWT"}, claims())
    with pytest.raises(UnauthenticatedError, match="algorithm"):
        authenticator().authenticate(f"Bearer {token}")


def test_alg_none_made_by_pyjwt_is_refused() -> None:
    token = jwt.encode(claims(), "", algorithm="none")
    with pytest.raises(UnauthenticatedError, match="algorithm"):
        authenticator().authenticate(f"Bearer {token}")


def test_an_algorithm_not_configured_is_refused() -> None:
    token = jwt.encode(claims(), HS_SECRET + HS_SECRET, algorithm="HS512")
    with pytest.raises(UnauthenticatedError, match="HS512"):
        authenticator().authenticate(f"Bearer {token}")


def test_a_wrong_audience_is_refused() -> None:
    auth = authenticator(audience="identity-images")
    with pytest.raises(UnauthenticatedError, match="audience"):
        auth.authenticate(f"Bearer {hs_token(aud='another-service')}")
    with pytest.raises(UnauthenticatedError, match="aud"):
        auth.authenticate(f"Bearer {hs_token()}")
    assert auth.authenticate(f"Bearer {hs_token(aud='identity-images')}").user_id == "42"


def test_a_token_with_an_audience_is_refused_when_none_is_expected() -> None:
    with pytest.raises(UnauthenticatedError, match="audience"):
        authenticator().authenticate(f"Bearer {hs_token(aud='identity-images')}")


def test_the_issuer_is_checked_when_set() -> None:
    auth = authenticator(issuer="https://host.example")
    with pytest.raises(UnauthenticatedError, match="issuer"):
        auth.authenticate(f"Bearer {hs_token(iss='https://evil.example')}")
    with pytest.raises(UnauthenticatedError, match="iss"):
        auth.authenticate(f"Bearer {hs_token()}")
    assert auth.authenticate(f"Bearer {hs_token(iss='https://host.example')}").is_staff


def test_a_members_token_is_not_an_admin() -> None:
    with pytest.raises(NotAnAdminError) as caught:
        authenticator().authenticate(f"Bearer {hs_token(user_id='7', is_staff=False)}")
    assert caught.value.code is ErrorCode.FORBIDDEN
    assert caught.value.caller.model_copy(update={"expires_at": None}) == Caller(
        user_id="7", username="ada", is_staff=False
    )


@pytest.mark.parametrize("value", ["true", 1, "True", None])
def test_only_a_json_true_makes_an_admin(value: object) -> None:
    with pytest.raises(NotAnAdminError):
        authenticator().authenticate(f"Bearer {hs_token(is_staff=value)}")


def test_the_admin_and_user_id_claims_are_settings() -> None:
    auth = authenticator(admin_claim="is_superuser", user_id_claim="uid")
    token = hs_token(user_id=None, uid="u-9", is_staff=False, is_superuser=True)
    caller = auth.authenticate(f"Bearer {token}")
    assert caller.model_copy(update={"expires_at": None}) == Caller(
        user_id="u-9", username="ada", is_staff=True
    )


def test_sub_is_the_user_id_when_the_claim_is_missing() -> None:
    caller = authenticator().authenticate(f"Bearer {hs_token(user_id=None, sub='99')}")
    assert caller.user_id == "99"


def test_a_token_that_names_no_user_is_refused() -> None:
    with pytest.raises(UnauthenticatedError, match="no user"):
        authenticator().authenticate(f"Bearer {hs_token(user_id=None)}")


def test_the_username_falls_back_to_the_user_id() -> None:
    assert authenticator().authenticate(f"Bearer {hs_token(username=None)}").username == "42"


@pytest.mark.parametrize("header", [None, "", "   "])
def test_no_header_is_refused(header: str | None) -> None:
    with pytest.raises(UnauthenticatedError, match="No Authorization"):
        authenticator().authenticate(header)


@pytest.mark.parametrize(
    "header", ["Basic YWRhOnNlY3JldA==", "Bearer", "Bearer ", "Token abc", "Bearer a b"]
)
def test_a_header_that_is_not_a_bearer_token_is_refused(header: str) -> None:
    with pytest.raises(UnauthenticatedError, match="Bearer"):
        bearer_token(header)


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c", "eyJhbGciOiJIUzI1NiJ9..."])
def test_garbage_is_refused(token: str) -> None:
    with pytest.raises(UnauthenticatedError):
        authenticator().authenticate(f"Bearer {token}")


def test_the_secret_is_read_on_every_call_so_a_rotation_is_picked_up() -> None:
    current = {"secret": HS_SECRET}
    auth = AdminAuthenticator(
        JwtIdentity(algorithms=frozenset({"HS256"}), secret=lambda: current["secret"])
    )
    old_token = hs_token()
    assert auth.authenticate(f"Bearer {old_token}").user_id == "42"
    current["secret"] = "the-rotated-secret-which-is-long-enough-for-hs256-too"
    with pytest.raises(UnauthenticatedError, match="signature"):
        auth.authenticate(f"Bearer {old_token}")
    assert auth.authenticate(f"Bearer {hs_token(secret=current['secret'])}").user_id == "42"


def test_an_empty_secret_lets_nobody_in() -> None:
    with pytest.raises(AuthUnavailableError):
        authenticator(secret="").authenticate(f"Bearer {hs_token(secret='x' * 40)}")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"algorithms": frozenset({"none"})}, "unsupported"),
        ({"algorithms": frozenset()}, "no or unsupported"),
        ({"algorithms": frozenset({"HS256"})}, "no JWT secret"),
        ({"algorithms": frozenset({"RS256"})}, "no JWKS URL"),
    ],
)
def test_a_configuration_that_cannot_work_is_refused_at_start(
    options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        JwtIdentity(**options)


@pytest.mark.parametrize(
    "user_id",
    ["auth0|42", "42\n", "a/b", "../1", "x" * 129, "ada@example.com"],
    ids=["pipe", "newline", "slash", "dots", "too-long", "email"],
)
def test_a_user_id_the_host_would_never_give_is_refused(user_id: str) -> None:
    """The API would take it to the host as a path segment and answer 422 to every
    request; the authorizer says 401 instead, and no policy allows it."""
    with pytest.raises(UnauthenticatedError, match="not one of the host's ids"):
        authenticator().authenticate(f"Bearer {hs_token(user_id=user_id)}")


@pytest.mark.parametrize("user_id", ["42", "a1b2-c3_d4", "0b8e8c7e-1f2a-4c3b-9d4e-5f6a7b8c9d0e"])
def test_the_hosts_ids_pass(user_id: str) -> None:
    assert authenticator().authenticate(f"Bearer {hs_token(user_id=user_id)}").user_id == user_id
