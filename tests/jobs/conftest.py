"""The jobs tests' world: a moto server (S3, SQS, DynamoDB) with the resources
`local_stack.aws_resources` creates, the local Gemini-compatible server reached through
the real SDK, and fakes of the host app's two ports (`HostDirectory`, `ImageCallback`)."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from moto.server import ThreadedMotoServer
from PIL import Image

from identity_images.adapters import aws
from identity_images.domain import HostIdentity, HostUser, ImageAssignment
from identity_images.errors import ErrorCode, PipelineError
from identity_images.handlers import api
from identity_images.handlers import worker as worker_handler
from identity_images.handlers.routes import deps
from identity_images.logic.worker import Worker, build_worker
from identity_images.settings import Settings, get_settings
from local_stack.aws_resources import Resources, create_all
from local_stack.gemini_server import LocalGeminiServer

EVENTS = Path(__file__).resolve().parents[2] / "events"
ADMIN_ID = "1"
TEST_USER_ID = "2"
OTHER_USER_ID = "3"
ADMIN_IDENTITY = "11"
TEST_USER_IDENTITY = "21"
OTHER_USER_IDENTITY = "31"
OTHER_ADMIN_ID = "4"
OTHER_ADMIN_IDENTITY = "41"


def load_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    return event


@dataclass
class LambdaContextStub:
    function_name: str = "identity-images-test"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:test"
    aws_request_id: str = "00000000-0000-0000-0000-000000000000"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


class FakeHost:
    """The host app's users and identities, in memory."""

    def __init__(self) -> None:
        self.users = {
            ADMIN_ID: HostUser(id=ADMIN_ID, username="admin", is_staff=True),
            TEST_USER_ID: HostUser(id=TEST_USER_ID, username="tester", is_test_user=True),
            OTHER_USER_ID: HostUser(id=OTHER_USER_ID, username="customer"),
            OTHER_ADMIN_ID: HostUser(id=OTHER_ADMIN_ID, username="grace", is_staff=True),
        }
        self.identities = {
            ADMIN_IDENTITY: HostIdentity(id=ADMIN_IDENTITY, user_id=ADMIN_ID, name="Ada"),
            TEST_USER_IDENTITY: HostIdentity(
                id=TEST_USER_IDENTITY, user_id=TEST_USER_ID, name="Tess", description="A tester"
            ),
            OTHER_USER_IDENTITY: HostIdentity(
                id=OTHER_USER_IDENTITY, user_id=OTHER_USER_ID, name="Carl"
            ),
            OTHER_ADMIN_IDENTITY: HostIdentity(
                id=OTHER_ADMIN_IDENTITY, user_id=OTHER_ADMIN_ID, name="Grace"
            ),
        }
        self.user_reads = 0

    def get_user(self, user_id: str) -> HostUser:
        self.user_reads += 1
        if user_id not in self.users:
            raise PipelineError(ErrorCode.USER_NOT_FOUND, f"No user {user_id!r}.")
        return self.users[user_id]

    def list_test_users(self) -> list[HostUser]:
        return [u for u in self.users.values() if u.is_test_user]

    def list_identities(self, user_id: str) -> list[HostIdentity]:
        return [i for i in self.identities.values() if i.user_id == user_id]

    def get_identity(self, identity_id: str) -> HostIdentity:
        if identity_id not in self.identities:
            raise PipelineError(ErrorCode.IDENTITY_NOT_FOUND, f"No identity {identity_id!r}.")
        return self.identities[identity_id]


@dataclass
class FakeCallback:
    """Records deliveries; `failures` are raised first, one per delivery."""

    delivered: list[tuple[ImageAssignment, str]] = field(default_factory=list)
    failures: list[PipelineError] = field(default_factory=list)
    attempts: int = 0

    def deliver(self, assignment: ImageAssignment, *, delivery_id: str) -> None:
        self.attempts += 1
        if self.failures:
            raise self.failures.pop(0)
        self.delivered.append((assignment, delivery_id))


def jpeg_bytes(width: int = 640, height: int = 480) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (180, 120, 90)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def gemini() -> Iterator[LocalGeminiServer]:
    with LocalGeminiServer() as server:
        yield server


@pytest.fixture
def resources(
    moto_server: str, gemini: LocalGeminiServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Resources]:
    """Fresh AWS resources and settings pointing at them (and at the local Gemini)."""
    httpx.post(f"{moto_server}/moto-api/reset").raise_for_status()
    env = {
        "AWS_ENDPOINT_URL": moto_server,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "1",
        "POWERTOOLS_METRICS_NAMESPACE": "IdentityImages",
        "GEMINI_BASE_URL": gemini.url,
        "GEMINI_RETRY_ATTEMPTS": "1",
        "GEMINI_TIMEOUT_S": "30",
        "WORKER_BACKOFF_BASE_S": "0",
        "WORKER_MAX_RECEIVE_COUNT": "3",
        "JOB_LEASE_S": "60",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for name in ("GEMINI_API_KEY", "GEMINI_API_KEY_SECRET_ARN", "GEMINI_USE_VERTEX"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    aws.reset_clients()
    created = create_all(get_settings())
    for name, value in created.environment().items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield created
    get_settings.cache_clear()
    aws.reset_clients()


@pytest.fixture
def settings(resources: Resources) -> Settings:
    return get_settings()


@pytest.fixture
def host() -> FakeHost:
    return FakeHost()


@pytest.fixture
def api_app(resources: Resources, host: FakeHost) -> Iterator[None]:
    """The real API app, its host port replaced by the fake."""
    # An override takes the provider's parameters (Powertools passes them): `**_`.
    api.app.dependency_overrides[deps.host] = lambda **_: host
    deps._admin_check.cache_clear()  # no "still an admin" answer from an earlier test
    yield
    api.app.dependency_overrides.clear()
    deps._admin_check.cache_clear()


def put_reference(key: str, data: bytes | None = None, content_type: str = "image/jpeg") -> None:
    aws.s3().put_object(
        Bucket=get_settings().bucket_name,
        Key=key,
        Body=jpeg_bytes() if data is None else data,
        ContentType=content_type,
    )


def call_api(
    method: str,
    path: str,
    *,
    body: Any = None,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    caller: str | None = ADMIN_ID,
    raw_body: str | None = None,
    authorizer_extra: dict[str, str] | None = None,
    binary_body: bytes | None = None,
) -> tuple[int, Any, dict[str, str]]:
    """Send a REST proxy event (built from the sample) through `handlers.api.handler`."""
    event = load_event("api_create_generation")
    all_headers = {
        k: v for k, v in event["headers"].items() if k not in {"Idempotency-Key", "Content-Type"}
    }
    if body is not None or raw_body is not None or binary_body is not None:
        all_headers["Content-Type"] = "application/json"
    if binary_body is not None:  # what API Gateway sends for bytes that are not UTF-8
        raw_body = base64.b64encode(binary_body).decode()
    all_headers.update(headers or {})
    event.update(
        httpMethod=method,
        path=path,
        resource=path,
        headers=all_headers,
        multiValueHeaders={k: [v] for k, v in all_headers.items()},
        queryStringParameters=query,
        multiValueQueryStringParameters={k: [v] for k, v in query.items()} if query else None,
        pathParameters=None,
        body=raw_body if raw_body is not None else (json.dumps(body) if body is not None else None),
    )
    event["isBase64Encoded"] = binary_body is not None
    event["requestContext"]["httpMethod"] = method
    event["requestContext"]["path"] = f"/prod{path}"
    if caller is None:
        del event["requestContext"]["authorizer"]
    else:
        event["requestContext"]["authorizer"] = {
            "user_id": caller,
            "username": f"user{caller}",
            "is_staff": "true",
            "principalId": caller,
            **(authorizer_extra or {}),
        }
    response = api.handler(event, LambdaContextStub())
    answer = json.loads(response["body"]) if response.get("body") else None
    headers = dict(response.get("headers") or {})
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers[name] = ",".join(values)
    return response["statusCode"], answer, headers


# --- the worker (shared by the worker tests) ---------------------------------------------
REFS = [f"uploads/{ADMIN_ID}/up1/1.jpg", f"uploads/{ADMIN_ID}/up1/2.jpg"]


@pytest.fixture
def callback() -> FakeCallback:
    return FakeCallback()


@pytest.fixture
def worker(
    settings: Settings,
    host: FakeHost,
    callback: FakeCallback,
    monkeypatch: pytest.MonkeyPatch,
) -> Worker:
    """The real worker but for the host's two ports."""
    built = build_worker(settings, host=host, callback=callback)
    monkeypatch.setattr(worker_handler, "get_worker", lambda: built)
    return built


@pytest.fixture
def api_app_ready(api_app: None) -> None:
    for key in REFS:
        put_reference(key)
