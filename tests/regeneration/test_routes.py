"""The reference-folder routes through `handlers.api.handler` on moto, the host faked."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime

import httpx
import pytest

from identity_images.adapters import aws
from identity_images.settings import Settings
from tests.regeneration.helpers import regeneration_jobs, trigger
from tests.support.aws_state import messages_in, put_reference
from tests.support.fakes import ADMIN_IDENTITY, OTHER_USER_IDENTITY, TEST_USER_IDENTITY, jpeg_bytes
from tests.support.lambdas import call_api, drain, receive_all

pytestmark = pytest.mark.usefixtures("api_app", "regenerator")


def path(identity_id: str, *rest: str) -> str:
    return "/".join([f"/v1/identities/{identity_id}/references", *rest])


def keys_in(settings: Settings, identity_id: str) -> list[str]:
    answer = aws.s3().list_objects_v2(
        Bucket=settings.bucket_name, Prefix=f"references/identities/{identity_id}/"
    )
    return sorted(item["Key"] for item in answer.get("Contents", []))


# --- presigned POSTs ----------------------------------------------------------------------
def test_presigned_posts_pin_the_key_type_and_size_into_the_folder(
    settings: Settings, regeneration_queue: str
) -> None:
    drain(regeneration_queue)
    files = [
        {"content_type": "image/jpeg", "size": 1000},
        {"content_type": "image/webp", "size": 9},
    ]
    status, body, _ = call_api("POST", path(TEST_USER_IDENTITY), body={"files": files})
    assert status == 201, body
    assert body["identity_id"] == TEST_USER_IDENTITY
    first, second = body["uploads"]
    assert first["key"] == f"references/identities/{TEST_USER_IDENTITY}/{first['reference_id']}.jpg"
    assert second["key"].endswith(f"/{second['reference_id']}.webp")
    assert first["reference_id"] != second["reference_id"]
    assert first["max_bytes"] == settings.reference_max_bytes
    policy = json.loads(base64.b64decode(first["fields"]["policy"]))
    conditions = policy["conditions"]
    assert {"key": first["key"]} in conditions
    assert {"Content-Type": "image/jpeg"} in conditions
    assert ["content-length-range", 1, settings.reference_max_bytes] in conditions
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert 0 < (expires - datetime.now(UTC)).total_seconds() <= settings.upload_url_expiry_s + 1
    # The browser's POST lands in the folder, and the bucket notifies the trigger.
    data = jpeg_bytes(40, 30)
    posted = httpx.post(
        first["url"], data=first["fields"], files={"file": ("a.jpg", data, "image/jpeg")}
    )
    assert posted.status_code in (200, 204), posted.text
    assert keys_in(settings, TEST_USER_IDENTITY) == [first["key"]]
    assert trigger(receive_all(regeneration_queue), regeneration_queue) == []
    (job,) = regeneration_jobs()
    assert job.identity_id == TEST_USER_IDENTITY


# The upload rules (too many files, a type or size refused) are one table, asked of this
# route and of /v1/uploads alike: tests/jobs/test_api_uploads.py.


# --- access ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("POST", (), {"files": [{"content_type": "image/jpeg", "size": 10}]}),
        ("GET", (), None),
        ("DELETE", ("photo",), None),
    ],
    ids=["post", "list", "delete"],
)
def test_only_own_or_test_user_identities(
    method: str, suffix: tuple[str, ...], body: object, settings: Settings
) -> None:
    put_reference(f"references/identities/{OTHER_USER_IDENTITY}/photo.jpg")
    status, answer, _ = call_api(method, path(OTHER_USER_IDENTITY, *suffix), body=body)
    assert status == 403
    assert answer["error"]["code"] == "forbidden"
    assert answer["error"]["details"]["identity_id"] == OTHER_USER_IDENTITY
    # An unknown identity is answered alike: a 404 would tell which ids exist.
    status, answer, _ = call_api(method, path("404404", *suffix), body=body)
    assert status == 403
    assert answer["error"]["code"] == "forbidden"
    status, answer, _ = call_api(method, path(TEST_USER_IDENTITY, *suffix), body=body, caller=None)
    assert status == 401
    # Nothing changed in the other user's folder.
    assert keys_in(settings, OTHER_USER_IDENTITY) == [
        f"references/identities/{OTHER_USER_IDENTITY}/photo.jpg"
    ]


@pytest.mark.parametrize("identity_id", ["a%2Fb", "..", "x" * 129])
def test_bad_identity_ids_are_refused(identity_id: str) -> None:
    status, body, _ = call_api("GET", path(identity_id))
    assert status in (404, 422)
    assert body["error"]["code"] in ("validation_error", "not_found")


# --- listing --------------------------------------------------------------------------------
def test_listing_is_newest_first_with_download_urls(settings: Settings) -> None:
    folder = f"references/identities/{TEST_USER_IDENTITY}/"
    put_reference(f"{folder}c-old.png", jpeg_bytes(20, 20), "image/png")
    # S3's LastModified has second precision: the next upload must be a second newer for
    # the order to be by time (within one second it is by key, descending).
    time.sleep(1.1)
    put_reference(f"{folder}a-new.jpg", jpeg_bytes(20, 20))
    put_reference(f"{folder}b-new.jpg", jpeg_bytes(20, 20))
    put_reference(f"references/identities/{ADMIN_IDENTITY}/not-this-one.jpg")
    status, body, _ = call_api("GET", path(TEST_USER_IDENTITY))
    assert status == 200
    items = body["items"]
    assert [i["reference_id"] for i in items] == ["b-new", "a-new", "c-old"]
    assert [i["key"] for i in items][-1] == f"{folder}c-old.png"
    assert items[-1]["content_type"] == "image/png"
    assert items[0]["size"] == len(jpeg_bytes(20, 20))
    assert items[0]["last_modified"].endswith("Z")
    downloaded = httpx.get(items[0]["url"])
    assert downloaded.status_code == 200
    assert downloaded.content == jpeg_bytes(20, 20)
    status, body, _ = call_api("GET", path(TEST_USER_IDENTITY), query={"limit": "1"})
    assert [i["reference_id"] for i in body["items"]] == ["b-new"]


def test_an_empty_folder_lists_nothing(settings: Settings) -> None:
    status, body, _ = call_api("GET", path(ADMIN_IDENTITY))
    assert status == 200
    assert body == {"identity_id": ADMIN_IDENTITY, "items": [], "next_cursor": None}


def test_listing_is_paginated_with_a_cursor(settings: Settings) -> None:
    folder = f"references/identities/{TEST_USER_IDENTITY}/"
    names = [f"photo-{n}" for n in range(5)]
    for name in names:
        put_reference(f"{folder}{name}.jpg", jpeg_bytes(10, 10))
    seen: list[str] = []
    query = {"limit": "2"}
    for _ in range(5):
        status, body, _ = call_api("GET", path(TEST_USER_IDENTITY), query=query)
        assert status == 200, body
        seen += [i["reference_id"] for i in body["items"]]
        if body["next_cursor"] is None:
            break
        query = {"limit": "2", "cursor": body["next_cursor"]}
    assert seen == sorted(names, reverse=True)  # same second: key descending
    # A cursor of another identity's list, or one this list never handed out, is refused.
    _, first, _ = call_api("GET", path(TEST_USER_IDENTITY), query={"limit": "1"})
    for cursor in (first["next_cursor"], "bm90LWEtY3Vyc29y", "x" * 40):
        identity = ADMIN_IDENTITY if cursor == first["next_cursor"] else TEST_USER_IDENTITY
        status, body, _ = call_api("GET", path(identity), query={"cursor": cursor})
        assert status == 422, cursor
        assert body["error"]["details"]["field"] == "cursor"


def test_everything_listed_is_a_reference_by_the_one_rule_and_can_be_deleted(
    settings: Settings,
) -> None:
    """Nested keys and names the delete cannot take are no references: not listed (nor
    used by the worker, nor seen by the trigger); all that is listed can be deleted."""
    folder = f"references/identities/{TEST_USER_IDENTITY}/"
    put_reference(f"{folder}good.jpg")
    for odd in ("sub/nested.jpg", "with space.jpg", "plus+sign.jpg", "per%cent.jpg", "😀.jpg"):
        put_reference(f"{folder}{odd}")
    status, body, _ = call_api("GET", path(TEST_USER_IDENTITY))
    assert status == 200
    assert [i["reference_id"] for i in body["items"]] == ["good"]
    for item in body["items"]:
        status, _, _ = call_api("DELETE", path(TEST_USER_IDENTITY, item["reference_id"]))
        assert status == 204
    status, body, _ = call_api("GET", path(TEST_USER_IDENTITY))
    assert body["items"] == []


# --- removal --------------------------------------------------------------------------------
def test_removing_a_reference_deletes_it_and_triggers_nothing(
    settings: Settings, regeneration_queue: str
) -> None:
    folder = f"references/identities/{TEST_USER_IDENTITY}/"
    put_reference(f"{folder}keep.jpg")
    put_reference(f"{folder}drop.jpg")
    put_reference(f"{folder}drop-not.jpg")
    drain(regeneration_queue)
    status, body, headers = call_api("DELETE", path(TEST_USER_IDENTITY, "drop"))
    assert status == 204, body
    assert body is None
    assert "content-type" not in {name.lower() for name in headers}
    assert keys_in(settings, TEST_USER_IDENTITY) == [f"{folder}drop-not.jpg", f"{folder}keep.jpg"]
    assert messages_in(regeneration_queue) == 0
    assert regeneration_jobs() == []


def test_removing_a_missing_reference_is_404_and_changes_nothing(settings: Settings) -> None:
    put_reference(f"references/identities/{TEST_USER_IDENTITY}/keep.jpg")
    status, body, _ = call_api("DELETE", path(TEST_USER_IDENTITY, "nope"))
    assert status == 404
    assert body["error"]["code"] == "reference_not_found"
    status, body, _ = call_api("DELETE", path(TEST_USER_IDENTITY, ".hidden"))
    assert status == 422
    assert keys_in(settings, TEST_USER_IDENTITY) == [
        f"references/identities/{TEST_USER_IDENTITY}/keep.jpg"
    ]


def test_openapi_describes_the_reference_routes(settings: Settings) -> None:
    status, schema, _ = call_api("GET", "/v1/openapi.json")
    assert status == 200
    folder = schema["paths"]["/v1/identities/{identity_id}/references"]
    assert set(folder) == {"get", "post"}
    removed = schema["paths"]["/v1/identities/{identity_id}/references/{reference_id}"]
    # No content: it was declared application/json, which a 204 never carries.
    assert set(removed["delete"]["responses"]["204"]) == {"description"}
    assert {"CreateReferencesResponse", "ReferenceList", "StoredReference"} <= set(
        schema["components"]["schemas"]
    )
