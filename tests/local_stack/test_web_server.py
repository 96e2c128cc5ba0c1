"""The local static server of the Images tab: files, the SPA fallback, /config.json, and
the login forwarded to Django."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from local_stack.web_server import LocalWebServer


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class _Django(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
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
