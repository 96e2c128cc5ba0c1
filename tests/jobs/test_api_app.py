"""The API app itself (`handlers/api.py`): the error shape for what no route answers,
CORS, and the OpenAPI document listing every router's routes, with the Images tab's routes
and fields."""

from __future__ import annotations

import json
from typing import Any

import pytest

from identity_images.handlers import api
from identity_images.handlers.observability import NoOpSegment
from identity_images.handlers.routes import deps
from local_stack.aws_resources import Resources
from tests.support.lambdas import call_api

pytestmark = pytest.mark.usefixtures("api_app")


# --- the error shape everywhere ----------------------------------------------------------
def test_no_authorized_caller_is_401(resources: Resources) -> None:
    status, body, _ = call_api("GET", "/v1/users", caller=None)
    assert (status, body["error"]["code"]) == (401, "unauthorized")


def test_unknown_route_is_404_in_the_error_shape(resources: Resources) -> None:
    status, body, _ = call_api("GET", "/v1/nothing-here")
    assert status == 404
    assert body == {"error": {"code": "not_found", "message": "No such route.", "details": {}}}


def test_unexpected_error_is_500_and_says_nothing_inside(resources: Resources) -> None:
    def broken(**_: Any) -> Any:
        raise RuntimeError("secret internals")

    api.app.dependency_overrides[deps.host] = broken
    status, body, _ = call_api("GET", "/v1/users")
    assert status == 500
    assert body["error"]["code"] == "internal_error"
    assert "secret" not in json.dumps(body)


def test_cors_answers_the_allowed_origin_only(resources: Resources) -> None:
    _, _, headers = call_api("GET", "/v1/users", headers={"Origin": "http://localhost:5173"})
    assert headers.get("Access-Control-Allow-Origin") == "http://localhost:5173"
    _, _, headers = call_api("GET", "/v1/users", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in headers


def test_openapi_lists_every_route_and_model(resources: Resources) -> None:
    status, schema, _ = call_api("GET", "/v1/openapi.json")
    assert status == 200
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/v1/uploads",
        "/v1/generations",
        "/v1/generations/{generation_id}",
        "/v1/generations/{generation_id}/apply",
        "/v1/generations/{generation_id}/cancel",
        "/v1/generations/{generation_id}/refine",
        "/v1/generations/{generation_id}/rerun",
        "/v1/generation-batches",
        "/v1/config",
        "/v1/users",
        "/v1/users/{user_id}/identities",
        "/v1/identities/{identity_id}/references",
        "/v1/identities/{identity_id}/references/{reference_id}",
    }
    assert set(schema["paths"]["/v1/generations"]) == {"get", "post"}
    models = set(schema["components"]["schemas"])
    for name in (
        "CreateUploadsRequest",
        "CreateUploadsResponse",
        "CreateGenerationRequest",
        "Job",
        "GenerationList",
        "UserList",
        "IdentityList",
        "ErrorResponse",
    ):
        assert name in models, name
    create = schema["paths"]["/v1/generations"]["post"]
    assert "202" in create["responses"]
    assert "422" in create["responses"]
    assert any(p["name"].lower() == "idempotency-key" for p in create["parameters"])
    refs = json.dumps(create["responses"]["202"])
    assert "#/components/schemas/Job" in refs


def test_openapi_has_the_tabs_routes_and_fields(resources: Resources) -> None:
    status, schema, _ = call_api("GET", "/v1/openapi.json")
    assert status == 200
    paths = schema["paths"]
    assert "get" in paths["/v1/config"]
    assert "post" in paths["/v1/generation-batches"]
    for action in ("refine", "rerun", "cancel"):
        assert "post" in paths[f"/v1/generations/{{generation_id}}/{action}"], action
    components = schema["components"]["schemas"]
    job = components["Job"]["properties"]
    for name in (
        "stage",
        "stage_started_at",
        "timings",
        "last_error",
        "next_attempt_at",
        "attempts",
        "max_attempts",
        "batch_id",
        "parent_generation_id",
        "instruction",
        "prepared_references",
        "kind",
    ):
        assert name in job, name
    output = components["JobOutput"]["properties"]
    assert {"preview_url", "download_url", "filename", "preview"} <= set(output)
    assert "details" in components["JobError"]["properties"]
    assert {"image_url", "image_preview_url"} <= set(components["ListedIdentity"]["properties"])
    assert "canceled" in components["Job"]["properties"]["status"]["enum"]
    assert {"ApiConfig", "GenerationBatch", "RefineRequest", "RerunRequest"} <= set(components)


def test_the_api_keeps_its_answers_out_of_traces(monkeypatch: pytest.MonkeyPatch) -> None:
    """An answer can hold presigned URLs, which must not land in X-Ray's metadata (and a
    large one, the schema, would not fit in the daemon's UDP packet)."""
    recorded: list[str] = []

    def put_metadata(self: NoOpSegment, key: str, value: Any, namespace: str = "default") -> None:
        recorded.append(key)

    monkeypatch.setattr(NoOpSegment, "put_metadata", put_metadata)
    status, _, _ = call_api("GET", "/v1/openapi.json")
    assert status == 200
    assert recorded == []
