"""`identity-images serve` in a subprocess on free ports with a fresh data folder."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from local_stack.stack import READY_MARKER

START_TIMEOUT_S = 180


@dataclass(frozen=True)
class RunningStack:
    api_url: str
    django_url: str
    moto_url: str
    web_url: str
    data_dir: Path
    service_token: str
    ports: dict[str, int]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def serve_stack(
    data_dir: Path,
    extra_env: dict[str, str] | None = None,
    ports: dict[str, int] | None = None,
) -> Iterator[RunningStack]:
    """`identity-images serve` with `data_dir` on `ports` (default: free ones), and
    `extra_env` for the pipeline and the example host; SIGTERM at the end."""
    ports = ports or {name: _free_port() for name in ("api", "moto", "django", "gemini", "web")}
    log_path = data_dir.parent / f"{data_dir.name}-serve-{ports['api']}.log"
    env = {
        **os.environ,
        "REGENERATION_DEBOUNCE_S": "2",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    env.pop("GEMINI_API_KEY", None)
    argv = [
        sys.executable,
        "-c",
        "from local_stack.cli import main; raise SystemExit(main())",
        "serve",
        "--data-dir",
        str(data_dir),
        *(a for name, port in ports.items() for a in (f"--{name}-port", str(port))),
    ]
    with log_path.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and CLI
            argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_ready(process, log_path)
        secrets = json.loads((data_dir / "secrets.json").read_text())
        yield RunningStack(
            api_url=f"http://127.0.0.1:{ports['api']}",
            django_url=f"http://127.0.0.1:{ports['django']}",
            moto_url=f"http://127.0.0.1:{ports['moto']}",
            web_url=f"http://127.0.0.1:{ports['web']}",
            data_dir=data_dir,
            service_token=secrets["django_service_token"],
            ports=ports,
        )
    except Exception:
        # A test that failed while the stack ran (an assertion, a timeout): the report shows
        # what it printed, so the stack's side of it is there to read, not only on this machine.
        print(f"--- the local stack's log, its last lines ({log_path}):\n{_tail(log_path)}")
        raise
    finally:
        _stop(process, log_path)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with serve_stack(tmp_path_factory.mktemp("local-data")) as running:
        yield running


def _wait_ready(process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if READY_MARKER in log_path.read_text(errors="replace"):
            return
        if process.poll() is not None:
            pytest.fail(f"serve exited ({process.returncode}):\n{_tail(log_path)}")
        time.sleep(0.25)
    pytest.fail(f"serve was not ready in {START_TIMEOUT_S} s:\n{_tail(log_path)}")


def _stop(process: subprocess.Popen[bytes], log_path: Path) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
            pytest.fail(f"serve did not stop on SIGTERM:\n{_tail(log_path)}")
    assert "stopped." in log_path.read_text(errors="replace"), _tail(log_path)


def _tail(path: Path, lines: int = 60) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
