"""What the end-to-end tests do over HTTP: log in, upload, wait with a deadline."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any

import boto3
import httpx
import pytest
from PIL import Image, ImageDraw

from tests.e2e.conftest import RunningStack

JOB_TIMEOUT_S = 180


def photo(seed: int) -> bytes:
    image = Image.new("RGB", (800, 600), (40 + seed * 60, 90, 160))
    draw = ImageDraw.Draw(image)
    draw.ellipse((250, 120, 550, 480), fill=(230, 190, 160))
    draw.rectangle((10 * seed, 10, 10 * seed + 80, 90), fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def stack_s3(stack: RunningStack) -> Any:
    """A boto3 S3 client of the running stack's moto server, over S3's HTTP API."""
    return boto3.client(
        "s3",
        endpoint_url=stack.moto_url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def login(stack: RunningStack, username: str, password: str) -> str:
    response = httpx.post(
        f"{stack.django_url}/api/v1/auth/token/",
        json={"username": username, "password": password},
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access"]
    return token


def identity_image_path(stack: RunningStack, identity_id: str) -> str | None:
    response = httpx.get(
        f"{stack.django_url}/internal/identity-images/identities/{identity_id}/",
        headers={"Authorization": f"Bearer {stack.service_token}"},
    )
    assert response.status_code == 200, response.text
    path: str | None = response.json().get("image_path")
    return path


def wait_for(what: str, check: Callable[[], Any], timeout_s: float = JOB_TIMEOUT_S) -> Any:
    deadline = time.monotonic() + timeout_s
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.5)
    pytest.fail(f"gave up waiting {timeout_s:.0f} s for {what}; last saw {last!r}")


def pick_identity(admin: httpx.Client, username: str) -> tuple[str, dict[str, Any]]:
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


def upload(admin: httpx.Client, photos: list[bytes]) -> list[str]:
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
