"""The users router (`handlers/routes/users.py`): the caller and the test users, whose
identities an admin may see, and the image URL each identity carries. Its `/v1/config` is
in `test_api_config.py`."""

from __future__ import annotations

import httpx
import pytest

from local_stack.aws_resources import Resources
from tests.jobs.helpers import LAYOUT, put
from tests.support.fakes import (
    ADMIN_ID,
    ADMIN_IDENTITY,
    OTHER_USER_ID,
    TEST_USER_ID,
    TEST_USER_IDENTITY,
    FakeHost,
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


def test_identities_carry_an_image_url(resources: Resources, host: FakeHost) -> None:
    key = LAYOUT.output_key(ADMIN_IDENTITY, "abc", "image/png")
    put(key, b"png", "image/png")
    host.identities[ADMIN_IDENTITY] = host.identities[ADMIN_IDENTITY].model_copy(
        update={"image_path": key}
    )
    host.identities["12"] = host.identities[ADMIN_IDENTITY].model_copy(
        update={
            "id": "12",
            "image_path": "avatars/b.png",
            "image_url": "https://host.example/media/avatars/b.png",
        }
    )
    host.identities["13"] = host.identities[ADMIN_IDENTITY].model_copy(
        update={"id": "13", "image_path": None}
    )
    # a copy in the host's storage (copy mode): the host's URL, even for a pipeline-like name
    host.identities["14"] = host.identities[ADMIN_IDENTITY].model_copy(
        update={
            "id": "14",
            "image_path": "identities/job-1.png",
            "image_url": "http://127.0.0.1:8000/media/identities/job-1.png",
        }
    )
    # what a browser on the tab's origin cannot load is no URL
    for n, unusable in enumerate(("/media/x.png", "javascript:alert(1)", "https://", "x.png")):
        host.identities[f"2{n}"] = host.identities[ADMIN_IDENTITY].model_copy(
            update={"id": f"2{n}", "image_path": "avatars/x.png", "image_url": unusable}
        )
    status, body, _ = call_api("GET", "/v1/users/me/identities")
    assert status == 200
    urls = {i["id"]: i["image_url"] for i in body["identities"]}
    assert httpx.get(urls[ADMIN_IDENTITY]).content == b"png"
    assert urls["12"] == "https://host.example/media/avatars/b.png"
    assert urls["13"] is None
    assert urls["14"] == "http://127.0.0.1:8000/media/identities/job-1.png"
    assert [urls[f"2{n}"] for n in range(4)] == [None] * 4


def test_an_output_s_identity_carries_its_preview_url_for_thumbnails(
    resources: Resources, host: FakeHost
) -> None:
    key = LAYOUT.output_key(ADMIN_IDENTITY, "abc", "image/png")
    put(key, b"the 4K output", "image/png")
    put(LAYOUT.preview_key(ADMIN_IDENTITY, "abc", "image/jpeg"), b"small", "image/jpeg")
    host.identities[ADMIN_IDENTITY] = host.identities[ADMIN_IDENTITY].model_copy(
        update={"image_path": key}
    )
    # an image the pipeline did not make (a kept reference, the host's own): no preview
    reference = "references/identities/12/front.jpg"
    host.identities["12"] = host.identities[ADMIN_IDENTITY].model_copy(
        update={"id": "12", "image_path": reference}
    )
    status, body, _ = call_api("GET", "/v1/users/me/identities")
    assert status == 200
    previews = {i["id"]: i["image_preview_url"] for i in body["identities"]}
    assert httpx.get(previews[ADMIN_IDENTITY]).content == b"small"
    assert previews["12"] is None
