"""The uploads router (`handlers/routes/uploads.py`): presigned POSTs for a job's
references, and the upload rules every presigned-POST route shares."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from identity_images.adapters import aws
from identity_images.settings import Settings, get_settings
from local_stack.aws_resources import Resources
from tests.support.aws_state import job_count
from tests.support.fakes import (
    ADMIN_ID,
    ADMIN_IDENTITY,
    jpeg_bytes,
)
from tests.support.lambdas import call_api

pytestmark = pytest.mark.usefixtures("api_app")


def test_uploads_hand_out_posts_that_the_bucket_accepts_and_checks(settings: Settings) -> None:
    status, body, _ = call_api(
        "POST",
        "/v1/uploads",
        body={
            "files": [
                {"content_type": "image/jpeg", "size": 1000},
                {"content_type": "image/png", "size": 5},
            ]
        },
    )
    assert status == 201
    first, second = body["uploads"]
    assert first["key"].startswith(f"uploads/{ADMIN_ID}/{body['upload_id']}/")
    assert first["key"].endswith(".jpg")
    assert second["key"].endswith(".png")
    assert first["fields"]["Content-Type"] == "image/jpeg"
    data = jpeg_bytes(32, 32)
    posted = httpx.post(
        first["url"], data=first["fields"], files={"file": ("a.jpg", data, "image/jpeg")}
    )
    assert posted.status_code in (200, 204), posted.text
    head = aws.s3().head_object(Bucket=settings.bucket_name, Key=first["key"])
    assert head["ContentLength"] == len(data)
    assert head["ContentType"] == "image/jpeg"
    # The policy S3 enforces (the local moto server enforces it too: tests/local_stack).
    policy = json.loads(base64.b64decode(first["fields"]["policy"]))
    conditions = policy["conditions"]
    assert {"key": first["key"]} in conditions
    assert {"Content-Type": "image/jpeg"} in conditions
    assert ["content-length-range", 1, settings.reference_max_bytes] in conditions
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    lifetime = (expires - datetime.now(UTC)).total_seconds()
    assert 0 < lifetime <= settings.upload_url_expiry_s + 1


# The rules every presigned-POST route applies (a job's uploads, an identity's references):
# one table, asked of each route.
PRESIGNED_POST_ROUTES = {
    "uploads": "/v1/uploads",
    "references": f"/v1/identities/{ADMIN_IDENTITY}/references",
}


@pytest.mark.parametrize("route", list(PRESIGNED_POST_ROUTES))
@pytest.mark.parametrize(
    ("files", "field"),
    [
        ([{"content_type": "image/jpeg", "size": 10}] * 6, "files"),
        ([{"content_type": "image/gif", "size": 10}], "files.0.content_type"),
        ([{"content_type": "image/jpeg", "size": 16 * 1024 * 1024}], "files.0.size"),
        ([], "files"),
    ],
    ids=["too-many-files", "bad-content-type", "too-large", "no-files"],
)
def test_presigned_posts_refuse_what_the_upload_rules_refuse(
    resources: Resources, route: str, files: list[dict[str, Any]], field: str
) -> None:
    status, body, _ = call_api("POST", PRESIGNED_POST_ROUTES[route], body={"files": files})
    assert status == 422
    assert body["error"]["code"] == "validation_error"
    assert body["error"]["details"]["field"] == field
    assert job_count() == 0
    listed = aws.s3().list_objects_v2(Bucket=get_settings().bucket_name)
    assert listed.get("KeyCount", 0) == 0
