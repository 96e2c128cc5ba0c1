"""Lambda's init phase (`handlers.init_phase`): inside Lambda, importing a handler builds
what its first request needs; anywhere else, nothing.

A handler's import runs in a fresh interpreter with a Lambda-like environment
(`benchmarks.cold_start.LAMBDA_LIKE_ENV`), since what the import builds is process state.
"""

from __future__ import annotations

import json
import os
import random
import ssl
import subprocess
import sys
from collections.abc import Iterator

import pytest
import snapshot_restore_py  # type: ignore[import-untyped]
from aws_lambda_powertools import Logger

from benchmarks.cold_start import HANDLERS, LAMBDA_LIKE_ENV, ROOT, TRACING_ON_ENV
from identity_images.handlers import init_phase
from identity_images.settings import API_CLIENTS, WORKER_CLIENTS

IN_LAMBDA = {init_phase.INITIALIZATION_TYPE: "on-demand"}
# Nothing listens there: a step that went over the network would fail, and say so.
NO_NETWORK = {"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_MAX_ATTEMPTS": "1"}

PROBE = """
import json, sys
module = __import__(sys.argv[1], fromlist=["handler"])
from identity_images.adapters import aws
from identity_images.settings import get_settings
report = {
    "clients": sorted({key[0] for key in aws._clients}),
    "settings": get_settings.cache_info().currsize,
    "xray": "aws_xray_sdk.core" in sys.modules,
}
for built in ("get_authenticator", "get_regenerator", "get_reaper", "get_worker"):
    if hasattr(module, built):
        report["built"] = getattr(module, built).cache_info().currsize
if sys.argv[1].endswith(".api"):
    from identity_images.handlers.routes import deps
    from identity_images.models.api import CreateGenerationRequest
    report["built"] = deps._host.cache_info().currsize
    report["models"] = CreateGenerationRequest.__pydantic_complete__
print(json.dumps(report))
"""


def import_handler(name: str, **env: str) -> tuple[dict[str, object], str]:
    """What importing handler `name` built, and what it logged."""
    environment = {**os.environ, **LAMBDA_LIKE_ENV, **NO_NETWORK}
    environment.pop(init_phase.INITIALIZATION_TYPE, None)
    environment.update(env)
    environment["PYTHONPATH"] = os.pathsep.join([str(ROOT / "functions"), str(ROOT)])
    done = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", PROBE, HANDLERS[name]],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        check=True,
    )
    *logged, last = done.stdout.strip().splitlines()
    report: dict[str, object] = json.loads(last)
    return report, "\n".join(logged) + done.stderr


EXPECTED_CLIENTS = {
    "api": API_CLIENTS,
    "worker": WORKER_CLIENTS,
    # Their whole logic, whose adapters build these (the host's token here is plain).
    "trigger": ("dynamodb", "s3", "sqs"),
    "reaper": ("dynamodb", "s3", "sqs"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED_CLIENTS))
def test_in_lambda_importing_a_handler_builds_its_settings_and_clients(name: str) -> None:
    report, logged = import_handler(name, **IN_LAMBDA)
    assert report["clients"] == sorted(EXPECTED_CLIENTS[name])
    assert report["settings"] == 1
    assert init_phase.NOT_PREPARED not in logged


@pytest.mark.parametrize(
    ("name", "what"),
    [("api", "the host's adapter"), ("trigger", "its logic"), ("reaper", "its logic")],
)
def test_in_lambda_importing_a_handler_builds_what_needs_no_network(name: str, what: str) -> None:
    assert import_handler(name, **IN_LAMBDA)[0]["built"] == 1, what
    assert import_handler(name)[0]["built"] == 0, what


def test_the_worker_leaves_its_logic_to_the_first_request() -> None:
    """Its Gemini client takes the API key when it is made: a Secrets Manager call."""
    assert import_handler("worker", **IN_LAMBDA)[0]["built"] == 0


@pytest.mark.parametrize("name", sorted(EXPECTED_CLIENTS))
def test_outside_lambda_importing_a_handler_builds_no_client(name: str) -> None:
    assert import_handler(name)[0]["clients"] == []


def test_in_lambda_the_api_builds_its_models_at_import() -> None:
    assert import_handler("api", **IN_LAMBDA)[0]["models"] is True
    assert import_handler("api")[0]["models"] is False


def test_in_lambda_with_tracing_on_the_recorder_loads_at_init() -> None:
    assert import_handler("api", **IN_LAMBDA, **TRACING_ON_ENV)[0]["xray"] is True
    assert import_handler("api", **TRACING_ON_ENV)[0]["xray"] is False
    assert import_handler("api", **IN_LAMBDA)[0]["xray"] is False


def test_in_lambda_the_authorizer_builds_its_authenticator_without_fetching_the_secret() -> None:
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:jwt-AbCdEf"
    report, logged = import_handler("authorizer", **IN_LAMBDA, JWT_SECRET_ARN=arn)
    assert report["built"] == 1
    # Its secret reader's client, built; the secret itself is read by the first request
    # (nothing listens at the endpoint, so a fetch would have failed the step).
    assert report["clients"] == ["secretsmanager"]
    assert init_phase.NOT_PREPARED not in logged


def test_in_lambda_a_step_that_fails_is_logged_and_left_to_the_first_request() -> None:
    report, logged = import_handler("trigger", **IN_LAMBDA, AWS_REGION="no region at all")
    # No client for a region that cannot be; the import still succeeds (the first
    # request meets the same error, and the batch reports its records as failed).
    assert report["clients"] == []
    assert init_phase.NOT_PREPARED in logged
    assert "get_regenerator" in logged


def test_prepare_runs_nothing_outside_lambda(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(init_phase.INITIALIZATION_TYPE, raising=False)
    ran: list[str] = []
    init_phase.prepare(lambda: ran.append("step"), logger=Logger(service="init-outside"))
    assert ran == []


def test_prepare_runs_every_step_even_after_one_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(init_phase.INITIALIZATION_TYPE, "on-demand")
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("no table name")

    init_phase.prepare(
        broken, lambda: ran.append("next"), logger=Logger(service="init-failing-step")
    )
    assert ran == ["next"]
    [line] = [json.loads(text) for text in capsys.readouterr().out.splitlines()]
    assert line["level"] == "WARNING"
    assert line["step"].endswith("broken")
    assert "no table name" in line["exception"]


class RuntimeHooks:
    """Lambda's `snapshot_restore_py` (the one its Python runtimes ship), driven as the
    runtime drives it: what the init registered for a restore runs in each environment
    resumed from the snapshot."""

    def __init__(self) -> None:
        self.after_restore = snapshot_restore_py.get_after_restore()

    def restore(self) -> None:
        for func, args, kwargs in self.after_restore:
            func(*args, **kwargs)


@pytest.fixture
def hooks() -> Iterator[RuntimeHooks]:
    runtime = RuntimeHooks()
    runtime.after_restore.clear()  # the registry is the module's, for the process
    yield runtime
    runtime.after_restore.clear()


def test_under_snap_start_each_restored_environment_draws_its_own_random_numbers(
    monkeypatch: pytest.MonkeyPatch, hooks: RuntimeHooks
) -> None:
    # The value Lambda sets (the runtime interface client's, and the X-Ray SDK's).
    monkeypatch.setenv(init_phase.INITIALIZATION_TYPE, "snap-start")
    openssl: list[tuple[bytes, float]] = []
    monkeypatch.setattr(ssl, "RAND_add", lambda data, entropy: openssl.append((data, entropy)))
    init_phase.prepare(logger=Logger(service="init-snap-start"))
    assert openssl == []  # not before a restore
    snapshot = random.getstate()
    draws = []
    for _ in range(2):  # two environments resumed from the one snapshot
        random.setstate(snapshot)
        hooks.restore()
        draws.append(random.random())
    assert draws[0] != draws[1]
    # OpenSSL's generator gets fresh bytes from the OS too, different each time.
    assert [len(data) for data, _ in openssl] == [init_phase.RESEED_BYTES] * 2
    assert openssl[0][0] != openssl[1][0]


@pytest.mark.parametrize("initialization", ["on-demand", "provisioned-concurrency"])
def test_without_snap_start_nothing_is_registered_for_a_restore(
    monkeypatch: pytest.MonkeyPatch, hooks: RuntimeHooks, initialization: str
) -> None:
    monkeypatch.setenv(init_phase.INITIALIZATION_TYPE, initialization)
    init_phase.prepare(logger=Logger(service="init-no-snapshot"))
    assert hooks.after_restore == []


def test_under_snap_start_without_the_runtime_hooks_the_init_goes_on_and_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(init_phase.INITIALIZATION_TYPE, "snap-start")
    monkeypatch.setitem(sys.modules, init_phase.RUNTIME_HOOKS, None)  # import fails
    ran: list[str] = []
    init_phase.prepare(lambda: ran.append("step"), logger=Logger(service="init-no-hooks"))
    assert ran == ["step"]
    [line] = [json.loads(text) for text in capsys.readouterr().out.splitlines()]
    assert line["message"] == init_phase.NOT_RESEEDED
