"""The pipeline inside a host's bucket: with `BUCKET_PREFIX` every key it builds, presigns,
reads and writes lies under that root, and keys outside it are not its own."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from identity_images.adapters import aws
from identity_images.handlers import worker as worker_handler
from identity_images.logic.worker import build_worker
from identity_images.settings import Settings, get_settings
from local_stack.aws_resources import Resources
from tests.support.fakes import ADMIN_ID, ADMIN_IDENTITY, FakeCallback, FakeHost
from tests.support.lambdas import call_api, deliver, receive_event

ROOT = "identity-images/"


@pytest.fixture
def prefixed(
    resources: Resources, api_app: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    monkeypatch.setenv("BUCKET_PREFIX", ROOT)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def upload(files: int = 2) -> list[str]:
    """Presigned POSTs from the API, then the browser's uploads through them."""
    body = {"files": [{"content_type": "image/jpeg", "size": 50_000}] * files}
    status, answer, _ = call_api("POST", "/v1/uploads", body=body)
    assert status == 201, answer
    from tests.support.fakes import jpeg_bytes

    keys = []
    for form in answer["uploads"]:
        posted = httpx.post(form["url"], data=form["fields"], files={"file": jpeg_bytes()})
        assert posted.status_code in (200, 204), posted.text
        keys.append(form["key"])
    return keys


def test_uploads_references_and_outputs_live_under_the_root(
    prefixed: Settings, host: FakeHost, resources: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = upload()
    assert all(k.startswith(f"{ROOT}uploads/{ADMIN_ID}/") for k in keys), keys

    status, refs, _ = call_api(
        "POST",
        f"/v1/identities/{ADMIN_IDENTITY}/references",
        body={"files": [{"content_type": "image/png", "size": 10}]},
    )
    assert status == 201, refs
    assert refs["uploads"][0]["key"].startswith(f"{ROOT}references/identities/{ADMIN_IDENTITY}/")

    callback = FakeCallback()
    built = build_worker(prefixed, host=host, callback=callback)
    monkeypatch.setattr(worker_handler, "get_worker", lambda: built)
    body = {
        "identity_id": ADMIN_IDENTITY,
        "reference_keys": keys,
        "aspect_ratio": "1:1",
        "image_size": "1K",
        "apply": True,
    }
    status, job, _ = call_api("POST", "/v1/generations", body=body)
    assert status == 202, job
    assert deliver(receive_event(resources.jobs_queue_url)) == []
    status, done, _ = call_api("GET", f"/v1/generations/{job['id']}")
    assert done["status"] == "succeeded", done
    assert done["output"]["key"].startswith(f"{ROOT}generated/identities/{ADMIN_IDENTITY}/")
    [(assignment, _)] = callback.delivered
    assert assignment.image_path == done["output"]["key"]
    listed = aws.s3().list_objects_v2(Bucket=prefixed.bucket_name)["Contents"]
    assert all(o["Key"].startswith(ROOT) for o in listed), [o["Key"] for o in listed]


def test_a_key_outside_the_root_is_not_the_callers_upload(prefixed: Settings) -> None:
    body = {
        "identity_id": ADMIN_IDENTITY,
        "reference_keys": [f"uploads/{ADMIN_ID}/x/1.jpg"],
        "aspect_ratio": "1:1",
        "image_size": "1K",
    }
    status, answer, _ = call_api("POST", "/v1/generations", body=body)
    assert status == 422, answer
    assert answer["error"]["code"] == "reference_invalid"
