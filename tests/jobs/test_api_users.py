"""The users router (`handlers/routes/users.py`): the caller and the test users, and
whose identities an admin may see."""

from __future__ import annotations

import pytest

from local_stack.aws_resources import Resources
from tests.support.fakes import (
    ADMIN_ID,
    ADMIN_IDENTITY,
    OTHER_USER_ID,
    TEST_USER_ID,
    TEST_USER_IDENTITY,
)
from tests.support.lambdas import call_api

pytestmark = pytest.mark.usefixtures("api_app")


# --- users -----------------------------------------------------------------------------
def test_users_are_the_caller_and_the_test_users(resources: Resources) -> None:
    status, body, _ = call_api("GET", "/v1/users")
    assert status == 200
    assert [u["id"] for u in body["users"]] == [ADMIN_ID, TEST_USER_ID]


@pytest.mark.parametrize(
    ("user_id", "status", "identities"),
    [
        ("me", 200, [ADMIN_IDENTITY]),
        (ADMIN_ID, 200, [ADMIN_IDENTITY]),
        (TEST_USER_ID, 200, [TEST_USER_IDENTITY]),
        (OTHER_USER_ID, 403, None),
        ("404", 404, None),
    ],
)
def test_identities_of_me_and_test_users_only(
    resources: Resources, user_id: str, status: int, identities: list[str] | None
) -> None:
    answer, body, _ = call_api("GET", f"/v1/users/{user_id}/identities")
    assert answer == status
    if identities is not None:
        assert [i["id"] for i in body["identities"]] == identities
