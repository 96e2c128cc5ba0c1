"""The API's routes with every port replaced through `app.dependency_overrides`: the
overrides reach the logic (no AWS, no host app), and the header and status rules hold."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from identity_images.handlers import api
from identity_images.handlers.routes import deps
from identity_images.handlers.routes.generations import IDEMPOTENCY_KEY_MAX_CHARS
from identity_images.logic.generations import Generations
from identity_images.models.jobs import Job, JobOutput, Rendition
from identity_images.settings import Settings
from tests.support.fakes import ADMIN_IDENTITY, FakeHost
from tests.unit.fakes import MemoryJobQueue, MemoryJobStore, MemoryObjectStore

EVENTS = Path(__file__).resolve().parents[2] / "events"
SETTINGS = Settings()
UPLOAD = SETTINGS.bucket_layout.upload_key("1", "u1", 1, "image/jpeg")


@pytest.fixture
def ports() -> Iterator[Generations]:
    storage = MemoryObjectStore()
    storage.put(UPLOAD, b"photo")
    g = Generations(
        host=FakeHost(),
        store=MemoryJobStore(),
        queue=MemoryJobQueue(),
        storage=storage,
        settings=SETTINGS,
    )
    overrides = api.app.dependency_overrides
    # The leaves: Powertools resolves a provider's own dependencies even when it is
    # overridden. An override takes the provider's parameters (it passes them): `**_`.
    overrides[deps.settings] = lambda: SETTINGS
    overrides[deps.host] = lambda **_: g.host
    overrides[deps.job_store] = lambda **_: g.store
    overrides[deps.job_queue] = lambda **_: g.queue
    overrides[deps.storage] = lambda **_: g.storage
    overrides[deps.idempotency] = lambda **_: None  # no Idempotency-Key records
    deps._admin_check.cache_clear()
    yield g
    overrides.clear()
    deps._admin_check.cache_clear()


def call(
    method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    event = json.loads((EVENTS / "api_create_generation.json").read_text())
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    event.update(
        httpMethod=method,
        path=path,
        resource=path,
        headers=all_headers,
        multiValueHeaders={k: [v] for k, v in all_headers.items()},
        queryStringParameters=None,
        multiValueQueryStringParameters=None,
        pathParameters=None,
        body=json.dumps(body) if body is not None else None,
    )
    event["requestContext"]["httpMethod"] = method
    event["requestContext"]["authorizer"] = {"user_id": "1", "username": "admin"}
    event["requestContext"]["authorizer"]["is_staff"] = "true"
    context = SimpleNamespace(get_remaining_time_in_millis=lambda: 30_000)
    response = api.app.resolve(event, context)  # type: ignore[arg-type]
    return response["statusCode"], json.loads(response["body"]) if response["body"] else None


BODY = {"identity_id": ADMIN_IDENTITY, "reference_keys": [UPLOAD]}


def test_a_generation_is_created_through_the_overridden_ports(ports: Generations) -> None:
    status, job = call("POST", "/v1/generations", BODY)
    assert status == 202
    assert ports.store.require(job["id"]).status == "queued"


def test_an_idempotency_key_longer_than_the_rule_is_refused_by_the_route(
    ports: Generations,
) -> None:
    key = "k" * (IDEMPOTENCY_KEY_MAX_CHARS + 1)
    status, answer = call("POST", "/v1/generations", BODY, {"Idempotency-Key": key})
    assert status == 422
    assert answer["error"]["code"] == "validation_error"
    assert answer["error"]["details"]["field"] == "idempotency-key"
    assert isinstance(ports.store, MemoryJobStore)
    assert ports.store.jobs == {}


def test_a_reference_the_path_names_is_404_a_key_in_the_body_422(ports: Generations) -> None:
    status, answer = call("DELETE", f"/v1/identities/{ADMIN_IDENTITY}/references/nope")
    assert (status, answer["error"]["code"]) == (404, "reference_not_found")
    missing = {**BODY, "reference_keys": [UPLOAD.replace("1.jpg", "2.jpg")]}
    status, answer = call("POST", "/v1/generations", missing)
    assert (status, answer["error"]["code"]) == (422, "reference_not_found")


def test_a_user_s_identities_read_their_images_jobs_in_one_batch(ports: Generations) -> None:
    """Three identities showing outputs: one read of their jobs, not one per identity,
    and each preview is the key its job stored."""
    assert isinstance(ports.store, MemoryJobStore)
    assert isinstance(ports.host, FakeHost)
    layout = SETTINGS.bucket_layout
    made: dict[str, str] = {}
    for n in range(3):
        job = Job.new(
            identity_id=ADMIN_IDENTITY,
            user_id="1",
            created_by="1",
            reference_keys=[UPLOAD],
            prompt="",
            aspect_ratio="1:1",
            image_size="1K",
            apply=False,
        )
        key = layout.output_key(ADMIN_IDENTITY, job.id, "image/png")
        preview = layout.preview_key(ADMIN_IDENTITY, job.id, "image/webp")
        ports.store.jobs[job.id] = job.model_copy(
            update={
                "output": JobOutput(
                    key=key,
                    mime_type="image/png",
                    width=8,
                    height=8,
                    bytes=3,
                    preview=Rendition(
                        key=preview, mime_type="image/webp", width=4, height=4, bytes=1
                    ),
                )
            }
        )
        identity_id = f"5{n}"
        ports.host.identities[identity_id] = ports.host.identities[ADMIN_IDENTITY].model_copy(
            update={"id": identity_id, "image_path": key}
        )
        made[identity_id] = f"memory://{preview}"

    status, body = call("GET", "/v1/users/me/identities")
    assert status == 200
    previews = {i["id"]: i["image_preview_url"] for i in body["identities"]}
    assert {i: previews[i] for i in made} == made
    assert previews[ADMIN_IDENTITY] is None  # no image
    assert ports.store.output_reads == [sorted(ports.store.jobs)]
