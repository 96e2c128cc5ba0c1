"""The local static server of the Images tab: files, the SPA fallback, /config.json, and
the login forwarded to Django."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from local_stack.web_server import LocalWebServer, forwarded_path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class _Django(BaseHTTPRequestHandler):
    #: Every path a request reached Django with.
    seen: list[str] = []  # noqa: RUF012 - shared by the handler's instances on purpose

    def do_GET(self) -> None:
        self.seen.append(self.path)
        answer = b"django page"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def do_POST(self) -> None:
        self.seen.append(self.path)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        answer = json.dumps({"path": self.path, "got": json.loads(body)}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def web(tmp_path: Path) -> Iterator[str]:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<html>shell</html>")
    (dist / "assets" / "app-1.js").write_text("console.log(1)")
    (tmp_path / "secret.txt").write_text("not served")
    django = ThreadingHTTPServer(("127.0.0.1", 0), _Django)
    threading.Thread(target=django.serve_forever, daemon=True).start()
    server = LocalWebServer(
        dist,
        api_base_url="http://127.0.0.1:1/v1",
        django_url=f"http://127.0.0.1:{django.server_address[1]}",
    )
    port = _free_port()
    server.start("127.0.0.1", port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
        django.shutdown()
        django.server_close()


def test_serves_assets_and_the_shell_for_any_other_path(web: str) -> None:
    asset = httpx.get(f"{web}/assets/app-1.js")
    assert asset.text == "console.log(1)"
    assert "javascript" in asset.headers["Content-Type"]
    assert "immutable" in asset.headers["Cache-Control"]
    for path in ("/images", "/", "/../secret.txt", "/assets/../../secret.txt"):
        page = httpx.get(f"{web}{path}")
        assert page.status_code == 200
        assert page.text == "<html>shell</html>", path


def test_config_says_where_the_api_is(web: str) -> None:
    assert httpx.get(f"{web}/config.json").json() == {"apiBaseUrl": "http://127.0.0.1:1/v1"}


def test_login_is_forwarded_to_django_with_its_status(web: str) -> None:
    answer = httpx.post(f"{web}/api/v1/auth/token/", json={"username": "a", "password": "b"})
    assert answer.status_code == 401
    assert answer.json() == {
        "path": "/api/v1/auth/token/",
        "got": {"username": "a", "password": "b"},
    }


def _raw(web: str, method: str, path: str) -> int:
    """Send `path` exactly as written (httpx would resolve its dot segments first)."""
    host, port = web.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request(method, path, body=b"{}" if method == "POST" else None)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@pytest.mark.parametrize(
    "path",
    [
        "/api/../admin/",
        "/api/v1/../../admin/login/",
        "/api/%2e%2e/admin/",
        "/api/./v1/auth/token/",
        "/api//admin/",
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_only_paths_under_api_as_written_reach_django(web: str, method: str, path: str) -> None:
    """The forwarding client resolves dot segments: `/api/../admin/` reached Django's
    admin through the web server."""
    _Django.seen.clear()
    assert _raw(web, method, path) == 404
    assert _Django.seen == []


@pytest.mark.parametrize(
    ("target", "forwarded"),
    [
        ("/api/v1/auth/token/", True),
        ("/api/v1/users/me/?x=1", True),
        ("/api/v1/auth/token", True),
        ("/api/../admin/", False),
        ("/api/%2E%2E/admin/", False),
        ("/apix/", False),
        ("/api", False),
    ],
)
def test_forwarded_path(target: str, forwarded: bool) -> None:
    assert (forwarded_path(target) == target) is forwarded
