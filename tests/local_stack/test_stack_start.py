"""What `identity-images serve` checks and sets before it starts anything."""

from __future__ import annotations

import io
import os
import socket
from pathlib import Path

import pytest

from local_stack.serve import EXIT_FAILED, serve
from local_stack.stack import FUNCTIONS_ENVIRONMENT_FILE, LocalStack, PortInUseError, StackOptions

ARNS = {
    name: f"arn:aws:secretsmanager:us-east-1:123456789012:secret:{name}"
    for name in (
        "identity-images/jwt-secret",
        "identity-images/django-service-token",
        "identity-images/webhook-secret",
        "identity-images/gemini-api-key",
    )
}


@pytest.fixture(autouse=True)
def _restore_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """`_lambda_environment` drops plain secrets from `os.environ`: put them back after."""
    for name in ("JWT_SECRET", "DJANGO_SERVICE_TOKEN", "WEBHOOK_SECRET", "GEMINI_API_KEY"):
        if name in os.environ:
            monkeypatch.setenv(name, os.environ[name])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _options(tmp_path: Path, **changes: object) -> StackOptions:
    options = StackOptions(
        api_port=_free_port(),
        moto_port=_free_port(),
        django_port=_free_port(),
        gemini_port=_free_port(),
        web_port=_free_port(),
        data_dir=tmp_path,
        gemini_api_key=None,
    )
    for name, value in changes.items():
        setattr(options, name, value)
    return options


def _port_in_time_wait() -> int:
    """A port whose server just closed a connection first, as a stopped stack leaves it."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen()
    port: int = server.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = server.accept()
    accepted.close()  # the server side closes first: its end goes to TIME_WAIT
    client.recv(1)
    client.close()
    server.close()
    return port


def test_a_port_left_in_time_wait_by_a_stopped_stack_is_free(tmp_path: Path) -> None:
    port = _port_in_time_wait()
    LocalStack(_options(tmp_path, api_port=port))._check_ports()


def test_a_port_someone_listens_on_is_taken(tmp_path: Path) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        with pytest.raises(PortInUseError, match=f"port {port} \\(django\\)"):
            LocalStack(_options(tmp_path, django_port=port))._check_ports()


def test_a_second_serve_on_a_taken_port_leaves_the_running_stacks_files(tmp_path: Path) -> None:
    running = tmp_path / FUNCTIONS_ENVIRONMENT_FILE  # what `make invoke` reads
    running.write_text('{"AWS_ENDPOINT_URL": "http://127.0.0.1:4566"}')
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        options = _options(tmp_path, api_port=other.getsockname()[1])
        assert serve(options, stdout=io.StringIO()) == EXIT_FAILED
    assert running.read_text() == '{"AWS_ENDPOINT_URL": "http://127.0.0.1:4566"}'


def test_with_a_gemini_key_a_gemini_base_url_is_honoured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GEMINI_BASE_URL", "https://gemini-gateway.example/")
    stack = LocalStack(_options(tmp_path, gemini_api_key="real-key"))
    assert stack.gemini_url is None  # no local stand-in
    env = stack._lambda_environment(ARNS)
    assert os.environ["GEMINI_BASE_URL"] == "https://gemini-gateway.example/"
    assert env.get("GEMINI_BASE_URL", os.environ["GEMINI_BASE_URL"]) == (
        "https://gemini-gateway.example/"
    )


def test_without_a_key_the_local_stand_in_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GEMINI_BASE_URL", "https://gemini-gateway.example/")
    stack = LocalStack(_options(tmp_path))
    env = stack._lambda_environment(ARNS)
    assert env["GEMINI_BASE_URL"] == stack.gemini_url
