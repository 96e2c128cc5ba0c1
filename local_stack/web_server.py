"""Serves the built Images tab (`web/dist`) for the local stack, as a host app would.

- the built files, and `index.html` for any other path (the shell routes `/images` itself);
- `/config.json`: where the API is (`{"apiBaseUrl": ".../v1"}`);
- `/api/…`: forwarded to the Django host (its token endpoint), so the shell logs in on its
  own origin, as the page does inside a host app. The API itself is called cross-origin
  (CORS), as in production. Only a path that is under `/api/` as it is written is
  forwarded: one with dot segments (`/api/../admin/`, also percent-encoded) or empty
  ones is a 404, since the forwarding client resolves them and would reach the rest of
  Django (its admin).
"""

from __future__ import annotations

import json
import logging
import mimetypes
import posixpath
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx

log = logging.getLogger("local_stack.web_server")

WEB_DIST = Path(__file__).resolve().parent.parent / "web" / "dist"
PROXY_PREFIX = "/api/"
MAX_PROXY_BODY = 1024 * 1024
_FORWARDED_HEADERS = ("Content-Type", "Authorization", "Accept")


def forwarded_path(target: str) -> str | None:
    """`target` (path and query) when its path is under `PROXY_PREFIX` and already in
    normal form once percent-decoded (no `.`/`..` or empty segments), else None."""
    path = unquote(target.split("?", 1)[0])
    normal = posixpath.normpath(path) + ("/" if path.endswith("/") else "")
    if normal != path or not normal.startswith(PROXY_PREFIX):
        return None
    return target


class LocalWebServer:
    """`start(host, port)` in a thread; `stop()`."""

    def __init__(self, dist: Path, *, api_base_url: str, django_url: str) -> None:
        self.dist = dist.resolve()
        self.config = json.dumps({"apiBaseUrl": api_base_url}).encode()
        self.django_url = django_url.rstrip("/")
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def built(self) -> bool:
        return (self.dist / "index.html").is_file()

    def start(self, host: str, port: int) -> None:
        self._server = ThreadingHTTPServer((host, port), _handler_class(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="web-server", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def file_for(self, path: str) -> Path:
        """The file to answer `path` with: the asset itself, else index.html."""
        relative = path.split("?", 1)[0].lstrip("/")
        candidate = (self.dist / relative).resolve()
        if relative and candidate.is_file() and candidate.is_relative_to(self.dist):
            return candidate
        return self.dist / "index.html"


def _handler_class(server: LocalWebServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("web %s", format % args)

        def do_GET(self) -> None:
            if self.path.startswith(PROXY_PREFIX):
                self._proxy()
            elif self.path.split("?", 1)[0] == "/config.json":
                self._send(HTTPStatus.OK, server.config, "application/json", cache=False)
            else:
                self._file()

        def do_POST(self) -> None:
            if self.path.startswith(PROXY_PREFIX):
                self._proxy()
            else:
                self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"", "text/plain", cache=False)

        def _file(self) -> None:
            path = server.file_for(self.path)
            if not path.is_file():
                body = b"The Images tab is not built: run `make web-build` (make run does)."
                self._send(HTTPStatus.NOT_FOUND, body, "text/plain", cache=False)
                return
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            hashed = "/assets/" in self.path
            self._send(HTTPStatus.OK, path.read_bytes(), content_type, cache=hashed)

        def _proxy(self) -> None:
            length = min(int(self.headers.get("Content-Length") or 0), MAX_PROXY_BODY)
            body = self.rfile.read(length) if length else None
            target = forwarded_path(self.path)
            if target is None:
                self._send(HTTPStatus.NOT_FOUND, b"", "text/plain", cache=False)
                return
            headers = {h: v for h in _FORWARDED_HEADERS if (v := self.headers.get(h))}
            try:
                answer = httpx.request(
                    self.command,
                    server.django_url + target,
                    content=body,
                    headers=headers,
                    timeout=30,
                )
            except httpx.HTTPError:
                self._send(HTTPStatus.BAD_GATEWAY, b"", "text/plain", cache=False)
                return
            content_type = answer.headers.get("Content-Type", "application/octet-stream")
            self._send(HTTPStatus(answer.status_code), answer.content, content_type, cache=False)

        def _send(self, status: HTTPStatus, body: bytes, content_type: str, *, cache: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header(
                "Cache-Control", "public, max-age=31536000, immutable" if cache else "no-cache"
            )
            self.end_headers()
            self.wfile.write(body)

    return Handler
