"""The fixtures more than one test package uses, in one place.

- `moto_server`: one moto server (S3, SQS, DynamoDB) for the session, the local stack's own
  (its S3 enforces a presigned POST's policy).
- `gemini`: one local Gemini-compatible server for the session, reached through the
  real SDK; `gemini_server`: a fresh one per test, whose `slow` failure waits
  `GEMINI_SLOW_DELAY_S`.
- `resources`: fresh AWS resources (as `local_stack.aws_resources` creates them) in the
  moto server, and the process settings pointing at them and at `gemini`; `settings`.
- `host`, `callback`: fakes of the host app's two ports (`tests.support.fakes`).
- `api_app`: the real API app, its host port replaced by `host`.
- `worker`: the real worker (local Gemini through the SDK) but for the host's two ports.

Plain helpers (events, delivery to handlers, the fakes) are in `tests/support/`; a
package's own fixtures are in its `conftest.py`."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from identity_images.adapters import aws
from identity_images.handlers import api
from identity_images.handlers import worker as worker_handler
from identity_images.handlers.routes import deps
from identity_images.logic.worker import Worker, build_worker
from identity_images.settings import Settings, get_settings
from local_stack.aws_resources import Resources, create_all
from local_stack.gemini_server import LocalGeminiServer
from local_stack.moto_server import LOCAL_CREDENTIALS, LocalMoto
from tests.support.fakes import FakeCallback, FakeHost

# The `slow` failure waits this long; a client's timeout in `slow` tests is far shorter.
GEMINI_SLOW_DELAY_S = 3.0


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """The local stack's own moto server: S3 enforces a presigned POST's policy there, as in
    AWS."""
    server = LocalMoto(host="127.0.0.1", port=0)
    yield server.start()
    server.stop()


@pytest.fixture(scope="session")
def gemini() -> Iterator[LocalGeminiServer]:
    with LocalGeminiServer() as server:
        yield server


@pytest.fixture
def gemini_server() -> Iterator[LocalGeminiServer]:
    with LocalGeminiServer(slow_delay_s=GEMINI_SLOW_DELAY_S) as server:
        yield server


@pytest.fixture
def resources(
    moto_server: str, gemini: LocalGeminiServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Resources]:
    """Fresh AWS resources and settings pointing at them (and at the local Gemini)."""
    httpx.post(f"{moto_server}/moto-api/reset").raise_for_status()
    env = {
        "AWS_ENDPOINT_URL": moto_server,
        # The stack's own: its bucket takes only presigned POSTs they signed, as S3 does.
        "AWS_ACCESS_KEY_ID": LOCAL_CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": LOCAL_CREDENTIALS["aws_secret_access_key"],
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
def callback() -> FakeCallback:
    return FakeCallback()


@pytest.fixture
def api_app(resources: Resources, host: FakeHost) -> Iterator[None]:
    """The real API app, its host port replaced by the fake."""
    # An override takes the provider's parameters (Powertools passes them): `**_`.
    api.app.dependency_overrides[deps.host] = lambda **_: host
    deps._admin_check.cache_clear()  # no "still an admin" answer from an earlier test
    yield
    api.app.dependency_overrides.clear()
    deps._admin_check.cache_clear()


@pytest.fixture
def worker(
    settings: Settings, host: FakeHost, callback: FakeCallback, monkeypatch: pytest.MonkeyPatch
) -> Worker:
    """The real worker (local Gemini through the SDK) but for the host's two ports; the
    worker handler uses it."""
    built = build_worker(settings, host=host, callback=callback)
    monkeypatch.setattr(worker_handler, "get_worker", lambda: built)
    return built
