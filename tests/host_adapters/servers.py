"""Real servers for the adapter tests: the example Django host in a subprocess, and a
small fault-injecting proxy in front of it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from tests.host_adapters import JWT_SECRET, SERVICE_TOKEN, WEBHOOK_SECRET

INTERNAL = "/internal/identity-images"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(frozen=True)
class DjangoServer:
    url: str

    @property
    def internal_url(self) -> str:
        return self.url + INTERNAL


@contextmanager
def run_example_host(workdir: Path) -> Iterator[DjangoServer]:
    """Migrate, seed and serve the example host on a free port until the block ends."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "example_host.settings",
        "DATABASE_PATH": str(workdir / "host.sqlite3"),
        "DJANGO_SERVICE_TOKEN": SERVICE_TOKEN,
        "WEBHOOK_SECRET": WEBHOOK_SECRET,
        "JWT_SECRET": JWT_SECRET,
        "DJANGO_DEBUG": "0",
    }
    prepare = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('migrate', verbosity=0); call_command('seed_identity_images')"
    )
    subprocess.run(  # noqa: S603  (our own interpreter and code)
        [sys.executable, "-c", prepare], env=env, check=True, timeout=120, capture_output=True
    )
    django = [sys.executable, "-m", "django"]
    port = free_port()
    log = (workdir / "runserver.log").open("wb")
    process = subprocess.Popen(  # noqa: S603
        [*django, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = DjangoServer(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError((workdir / "runserver.log").read_text())
            try:
                httpx.get(server.internal_url + "/test-users/", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FaultProxy:
    """Answers each request with the next scripted fault, then forwards to `upstream`.

    A script entry is an HTTP status to answer with, or a float: seconds to stall before
    forwarding (to make the client time out).
    """

    upstream: str
    script: list[int | float] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    port: int = 0
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                return

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                proxy.seen.append(Seen(self.command, self.path, headers, body))
                action = proxy.script.pop(0) if proxy.script else None
                if isinstance(action, int):
                    self.send_response(action)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", "2")
                    self.end_headers()
                    self.wfile.write(b"{}")
                    return
                if isinstance(action, float):
                    time.sleep(action)
                forwarded = {k: v for k, v in headers.items() if k not in {"host", "connection"}}
                answer = httpx.request(
                    self.command, proxy.upstream + self.path, headers=forwarded, content=body
                )
                self.send_response(answer.status_code)
                for name in ("content-type", "retry-after"):
                    if name in answer.headers:
                        self.send_header(name, answer.headers[name])
                self.send_header("content-length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = _handle  # noqa: N815

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
