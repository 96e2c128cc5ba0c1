"""End to end, over HTTP only: what the Images tab does, against `identity-images serve`
(moto, the example Django host, the local Gemini server, the local API Gateway with the
admin authorizer, the worker and trigger pollers)."""

from __future__ import annotations

import importlib.util
import io
import time
import uuid
from collections.abc import Callable
from typing import Any

import boto3
import httpx
import pytest
from PIL import Image, ImageDraw

from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e

JOB_TIMEOUT_S = 180
# 16:9 at 1K, as Gemini sizes it.
EXPECTED_16_9_1K = (1376, 768)


def _photo(seed: int) -> bytes:
    image = Image.new("RGB", (800, 600), (40 + seed * 60, 90, 160))
    draw = ImageDraw.Draw(image)
    draw.ellipse((250, 120, 550, 480), fill=(230, 190, 160))
    draw.rectangle((10 * seed, 10, 10 * seed + 80, 90), fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def _token(stack: RunningStack, username: str, password: str) -> str:
    response = httpx.post(
        f"{stack.django_url}/api/v1/auth/token/",
        json={"username": username, "password": password},
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access"]
    return token


@pytest.fixture(scope="module")
def admin(stack: RunningStack) -> httpx.Client:
    token = _token(stack, "admin", "admin-password")
    return httpx.Client(
        base_url=f"{stack.api_url}/v1",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def _identity_image_path(stack: RunningStack, identity_id: str) -> str | None:
    response = httpx.get(
        f"{stack.django_url}/internal/identity-images/identities/{identity_id}/",
        headers={"Authorization": f"Bearer {stack.service_token}"},
    )
    assert response.status_code == 200, response.text
    path: str | None = response.json().get("image_path")
    return path


def _wait_for(what: str, check: Callable[[], Any], timeout_s: float = JOB_TIMEOUT_S) -> Any:
    deadline = time.monotonic() + timeout_s
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.5)
    pytest.fail(f"gave up waiting {timeout_s:.0f} s for {what}; last saw {last!r}")


def _test_user_and_identity(admin: httpx.Client, username: str) -> tuple[str, dict[str, Any]]:
    users = admin.get("/users")
    assert users.status_code == 200, users.text
    by_name = {u["username"]: u for u in users.json()["users"]}
    assert by_name["admin"]["is_staff"] is True
    user = by_name[username]
    assert user["is_test_user"] is True
    identities = admin.get(f"/users/{user['id']}/identities")
    assert identities.status_code == 200, identities.text
    listed = identities.json()["identities"]
    assert len(listed) >= 1
    return user["id"], listed[0]


def _upload(admin: httpx.Client, photos: list[bytes]) -> list[str]:
    asked = admin.post(
        "/uploads",
        json={"files": [{"content_type": "image/jpeg", "size": len(p)} for p in photos]},
    )
    assert asked.status_code in (200, 201), asked.text
    uploads = asked.json()["uploads"]
    assert len(uploads) == len(photos)
    for upload, photo in zip(uploads, photos, strict=True):
        posted = httpx.post(
            upload["url"],
            data=upload["fields"],
            files={"file": ("photo.jpg", photo, "image/jpeg")},
        )
        assert posted.status_code in (200, 201, 204), posted.text
    return [u["key"] for u in uploads]


def test_images_tab_generate_download_and_apply(stack: RunningStack, admin: httpx.Client) -> None:
    user_id, identity = _test_user_and_identity(admin, "test-alice")
    keys = _upload(admin, [_photo(n) for n in range(3)])

    created = admin.post(
        "/generations",
        json={
            "identity_id": identity["id"],
            "user_id": user_id,
            "reference_keys": keys,
            "prompt": "smiling, outdoors",
            "aspect_ratio": "16:9",
            "image_size": "1K",
            "apply": False,
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert created.status_code == 202, created.text
    job_id = created.json()["id"]
    assert created.json()["status"] in ("queued", "running")

    def finished() -> dict[str, Any] | None:
        job: dict[str, Any] = admin.get(f"/generations/{job_id}").json()
        return job if job["status"] in ("succeeded", "failed") else None

    job = _wait_for(f"generation {job_id}", finished)
    assert job["status"] == "succeeded", job
    output = job["output"]
    assert output["key"].startswith(f"generated/identities/{identity['id']}/")

    downloaded = httpx.get(output["url"])
    assert downloaded.status_code == 200
    image = Image.open(io.BytesIO(downloaded.content))
    assert image.size == EXPECTED_16_9_1K
    assert (output["width"], output["height"]) == EXPECTED_16_9_1K

    history = admin.get("/generations", params={"identity_id": identity["id"]})
    assert history.status_code == 200
    assert job_id in [item["id"] for item in history.json()["items"]]

    applied = admin.post(f"/generations/{job_id}/apply")
    assert applied.status_code == 202, applied.text
    _wait_for(
        "Django to point the identity at the output",
        lambda: _identity_image_path(stack, identity["id"]) == output["key"],
    )
    final = admin.get(f"/generations/{job_id}").json()
    assert final["apply"]["status"] == "applied", final


def test_a_members_token_is_forbidden_and_no_token_is_unauthorized(stack: RunningStack) -> None:
    member = _token(stack, "member", "member-password")
    denied = httpx.get(f"{stack.api_url}/v1/users", headers={"Authorization": f"Bearer {member}"})
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "forbidden"
    anonymous = httpx.get(f"{stack.api_url}/v1/users")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "unauthorized"
    forged = httpx.get(f"{stack.api_url}/v1/users", headers={"Authorization": "Bearer x.y.z"})
    assert forged.status_code == 401


@pytest.mark.skipif(
    importlib.util.find_spec("identity_images.handlers.trigger") is None,
    reason="the regeneration trigger handler has not landed yet",
)
def test_a_new_reference_regenerates_and_applies_the_image(
    stack: RunningStack, admin: httpx.Client
) -> None:
    _, identity = _test_user_and_identity(admin, "test-bob")
    before = _identity_image_path(stack, identity["id"])
    # A reference written straight to the bucket (as the host app may), over S3's HTTP API.
    s3 = boto3.client(
        "s3",
        endpoint_url=stack.moto_url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    s3.put_object(
        Bucket="identity-images",
        Key=f"references/identities/{identity['id']}/new-photo.jpg",
        Body=_photo(7),
        ContentType="image/jpeg",
    )

    def regenerated() -> str | None:
        path = _identity_image_path(stack, identity["id"])
        return path if path and path != before and path.startswith("generated/") else None

    path = _wait_for("the identity to get a regenerated image", regenerated)
    assert path.startswith(f"generated/identities/{identity['id']}/")
