"""End to end, over HTTP only: what the Images tab does, against `identity-images serve`
(moto, the example Django host, the local Gemini server, the local API Gateway with the
admin authorizer, the worker and trigger pollers)."""

from __future__ import annotations

import io
import uuid
from typing import Any

import httpx
import pytest
from PIL import Image

from tests.e2e.conftest import RunningStack
from tests.e2e.helpers import (
    identity_image_path,
    login,
    photo,
    pick_identity,
    stack_s3,
    upload,
    wait_for,
)

pytestmark = pytest.mark.e2e

# 16:9 at 1K, as Gemini sizes it.
EXPECTED_16_9_1K = (1376, 768)


@pytest.fixture(scope="module")
def admin(stack: RunningStack) -> httpx.Client:
    access = login(stack, "admin", "admin-password")
    return httpx.Client(
        base_url=f"{stack.api_url}/v1",
        headers={"Authorization": f"Bearer {access}"},
        timeout=30,
    )


def test_images_tab_generate_download_and_apply(stack: RunningStack, admin: httpx.Client) -> None:
    user_id, identity = pick_identity(admin, "test-alice")
    keys = upload(admin, [photo(n) for n in range(3)])

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

    job = wait_for(f"generation {job_id}", finished)
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

    def apply_settled() -> dict[str, Any] | None:
        # Django takes the path inside the callback; the job records the outcome once
        # the callback has answered, a moment later.
        job: dict[str, Any] = admin.get(f"/generations/{job_id}").json()
        return job if job["apply"]["status"] != "pending" else None

    final = wait_for(f"the apply of {job_id} to settle", apply_settled)
    assert final["apply"]["status"] == "applied", final
    assert identity_image_path(stack, identity["id"]) == output["key"]


def test_a_members_token_is_forbidden_and_no_token_is_unauthorized(stack: RunningStack) -> None:
    member = login(stack, "member", "member-password")
    denied = httpx.get(f"{stack.api_url}/v1/users", headers={"Authorization": f"Bearer {member}"})
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "forbidden"
    anonymous = httpx.get(f"{stack.api_url}/v1/users")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "unauthorized"
    forged = httpx.get(f"{stack.api_url}/v1/users", headers={"Authorization": "Bearer x.y.z"})
    assert forged.status_code == 401


def test_a_new_reference_regenerates_and_applies_the_image(
    stack: RunningStack, admin: httpx.Client
) -> None:
    _, identity = pick_identity(admin, "test-bob")
    before = identity_image_path(stack, identity["id"])
    # A reference written straight to the bucket (as the host app may), over S3's HTTP API.
    s3 = stack_s3(stack)
    s3.put_object(
        Bucket="identity-images",
        Key=f"references/identities/{identity['id']}/new-photo.jpg",
        Body=photo(7),
        ContentType="image/jpeg",
    )

    def regenerated() -> str | None:
        path = identity_image_path(stack, identity["id"])
        return path if path and path != before and path.startswith("generated/") else None

    path = wait_for("the identity to get a regenerated image", regenerated)
    assert path.startswith(f"generated/identities/{identity['id']}/")
