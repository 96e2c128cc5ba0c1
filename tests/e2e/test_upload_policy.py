"""Over HTTP, against `identity-images serve`: the bucket holds an upload to the POST policy
the API handed out, as S3 does, and the Images tab's origin can read the refusal."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.conftest import RunningStack
from tests.e2e.helpers import login, photo, stack_s3

pytestmark = pytest.mark.e2e


def _stored(stack: RunningStack, bucket: str, key: str) -> bool:
    s3 = stack_s3(stack)
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=key)
    return [item["Key"] for item in listed.get("Contents", [])] == [key]


def test_an_upload_outside_the_apis_policy_is_refused_and_the_tab_can_read_why(
    stack: RunningStack,
) -> None:
    admin = httpx.Client(
        base_url=f"{stack.api_url}/v1",
        headers={"Authorization": f"Bearer {login(stack, 'admin', 'admin-password')}"},
        timeout=30,
    )
    asked = admin.post("/uploads", json={"files": [{"content_type": "image/jpeg", "size": 1}]})
    assert asked.status_code == 201, asked.text
    [upload] = asked.json()["uploads"]
    bucket = upload["url"].rsplit("/", 1)[1]

    def post(data: bytes, content_type: str = "image/jpeg") -> httpx.Response:
        return httpx.post(
            upload["url"],
            data={**upload["fields"], "Content-Type": content_type},
            files={"file": ("photo.jpg", data, content_type)},
            headers={"Origin": stack.web_url},
            timeout=60,
        )

    too_large = post(b"\xff" * (upload["max_bytes"] + 1))
    assert too_large.status_code == 400
    assert "<Code>EntityTooLarge</Code>" in too_large.text
    assert too_large.headers["access-control-allow-origin"] == stack.web_url
    wrong_type = post(photo(1), "image/png")
    assert wrong_type.status_code == 403
    assert "<Code>AccessDenied</Code>" in wrong_type.text
    assert not _stored(stack, bucket, upload["key"])

    assert post(photo(1)).status_code == 204
    assert _stored(stack, bucket, upload["key"])
