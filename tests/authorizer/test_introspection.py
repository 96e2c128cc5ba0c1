"""The introspect mode against a local server standing in for Django's
`GET /api/v1/users/me/`."""

from __future__ import annotations

import json

import pytest

from identity_images.adapters.introspection import DjangoIntrospection
from identity_images.logic.auth import (
    AdminAuthenticator,
    AuthUnavailableError,
    Caller,
    IntrospectionIdentity,
    NotAnAdminError,
    UnauthenticatedError,
)
from tests.authorizer.conftest import DjangoServer, Reply

ADMIN = "Bearer admin-session-token"
MEMBER = "Token member-drf-token"


def me(user_id: object, username: str, is_staff: object) -> Reply:
    body = {"id": user_id, "username": username, "is_staff": is_staff, "email": "x@example.com"}
    return Reply(200, json.dumps(body).encode())


def authenticator(url: str, timeout_s: float = 2.0) -> AdminAuthenticator:
    return AdminAuthenticator(IntrospectionIdentity(DjangoIntrospection(url, timeout_s=timeout_s)))


def test_an_admin_known_to_django_gets_in_and_the_header_is_forwarded(
    django_server: DjangoServer,
) -> None:
    django_server.users[ADMIN] = me(42, "ada", True)
    caller = authenticator(django_server.me_url).authenticate(ADMIN)
    assert caller == Caller(user_id="42", username="ada", is_staff=True)
    assert django_server.requests[0]["Authorization"] == ADMIN


def test_a_member_is_not_an_admin(django_server: DjangoServer) -> None:
    django_server.users[MEMBER] = me("u-7", "bob", False)
    with pytest.raises(NotAnAdminError) as caught:
        authenticator(django_server.me_url).authenticate(MEMBER)
    assert caught.value.caller.user_id == "u-7"


@pytest.mark.parametrize("status", [401, 403])
def test_django_refusing_the_header_is_a_401(django_server: DjangoServer, status: int) -> None:
    django_server.users[ADMIN] = Reply(status, b'{"detail": "no"}')
    with pytest.raises(UnauthenticatedError):
        authenticator(django_server.me_url).authenticate(ADMIN)


def test_no_header_never_reaches_django(django_server: DjangoServer) -> None:
    with pytest.raises(UnauthenticatedError):
        authenticator(django_server.me_url).authenticate(None)
    assert django_server.requests == []


@pytest.mark.parametrize(
    "reply",
    [
        Reply(500, b"<h1>Server Error</h1>"),
        Reply(502, b""),
        Reply(200, b"<html>login</html>"),
        Reply(200, b'{"id": 1, "username": "ada"}'),
        Reply(200, b'{"id": 1, "username": "ada", "is_staff": "yes"}'),
        Reply(302, b""),
    ],
)
def test_a_broken_django_lets_nobody_in(django_server: DjangoServer, reply: Reply) -> None:
    django_server.users[ADMIN] = reply
    with pytest.raises(AuthUnavailableError):
        authenticator(django_server.me_url).authenticate(ADMIN)


def test_an_unreachable_django_lets_nobody_in() -> None:
    with pytest.raises(AuthUnavailableError, match="ConnectError"):
        authenticator("http://127.0.0.1:9/api/v1/users/me/").authenticate(ADMIN)


def test_a_django_slower_than_the_timeout_lets_nobody_in(django_server: DjangoServer) -> None:
    django_server.users[ADMIN] = me(42, "ada", True)
    django_server.delay_s = 0.5
    with pytest.raises(AuthUnavailableError, match="Timeout"):
        authenticator(django_server.me_url, timeout_s=0.1).authenticate(ADMIN)
