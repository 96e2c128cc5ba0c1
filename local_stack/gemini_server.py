"""A local server that speaks the Gemini REST API well enough for the real SDK.

`POST /{v1,v1beta,v1alpha}/models/{model}:generateContent`, as `google-genai` sends it
(camelCase JSON, `x-goog-api-key` header), answered as the real API answers: a candidate
with thought parts (text and a draft image), a final image part with a
`thoughtSignature`, `finishReason` and `usageMetadata`. The image has the exact pixel size
of the real model for the requested aspect ratio and size, is made from the request's
reference photos and prompt, and says it is an offline stand-in.

Failures on demand, for tests and for trying the pipeline's error paths:
- in process: `server.fail_next("http_503", count=2)`;
- out of process: `POST /_local/failures {"mode": "http_503", "count": 2}`;
- per prompt: a prompt containing `[simulate:image_safety]`.
Modes: prompt_blocked, image_safety, text_only, slow, http_429, http_500, http_503 (and any
other `http_4xx`/`http_5xx`). `GET /_local/stats` answers `{"generate_calls": n, ...}`
with `draw_seconds`, the time each of the last answers took to draw (delay excluded).

A fixed delay before every answer (`answer_delay_s`, `--answer-delay`) stands in for the
real model's latency (tens of seconds); the benchmarks use it to measure the pipeline's
own overhead around a call of known length.

Run it in the foreground with `python -m local_stack.gemini_server --port 8765`.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import io
import json
import logging
import math
import re
import threading
import time
import uuid
from collections import deque
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from PIL import Image

from identity_images.engine.options import output_dimensions
from identity_images.errors import PipelineError
from identity_images.prices import GEMINI_3_PRO_IMAGE, ModelPrices, prices_of
from local_stack.gemini_image import UnreadableReferenceError, draw_stand_in

logger = logging.getLogger(__name__)

FIXED_MODES = frozenset({"prompt_blocked", "image_safety", "text_only", "slow"})
_HTTP_MODE = re.compile(r"^http_([45]\d\d)$")
_GENERATE_PATH = re.compile(r"^/(v1|v1beta|v1alpha)/models/([^/:]+):generateContent$")
_DIRECTIVE = re.compile(r"\[simulate:([a-z0-9_]+)\]")
_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "NOT_IMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
_DRAFT_SIDE = 256
_THOUGHT_TOKENS = 180
DEFAULT_SLOW_DELAY_S = 30.0
MAX_BODY_BYTES = 64 * 1024 * 1024
# How often the serving loop checks for `stop()`; short, so tests tear down quickly.
_POLL_INTERVAL_S = 0.05
_KEPT_DRAW_TIMES = 1000


def is_valid_mode(mode: str) -> bool:
    return mode in FIXED_MODES or _HTTP_MODE.match(mode) is not None


class _HttpFailureError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _State:
    """What the server threads share, behind one lock."""

    def __init__(self, slow_delay_s: float, answer_delay_s: float = 0.0) -> None:
        self.lock = threading.Lock()
        self.failures: deque[str] = deque()
        self.generate_calls = 0
        self.last_api_key: str | None = None
        self.slow_delay_s = slow_delay_s
        self.answer_delay_s = answer_delay_s
        self.draw_seconds: deque[float] = deque(maxlen=_KEPT_DRAW_TIMES)
        self.stopping = threading.Event()

    def begin_call(self) -> str | None:
        """Count a generateContent call and take the next queued failure, if any."""
        with self.lock:
            self.generate_calls += 1
            return self.failures.popleft() if self.failures else None

    def queue(self, mode: str, count: int) -> None:
        if not is_valid_mode(mode):
            raise ValueError(f"unknown failure mode {mode!r}")
        if count < 1:
            raise ValueError("count must be at least 1")
        with self.lock:
            self.failures.extend([mode] * count)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: _State


def _error_body(status: int, message: str) -> dict[str, Any]:
    return {
        "error": {
            "code": status,
            "message": message,
            "status": _STATUS_NAMES.get(status, HTTPStatus(status).phrase.upper()),
        }
    }


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    # --- plumbing ---------------------------------------------------------------------
    def _send_json(self, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            self.close_connection = True

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self.close_connection = True  # the body stays unread
            raise _HttpFailureError(413, "Request payload size exceeds the limit.")
        return self.rfile.read(length) if length else b""

    @staticmethod
    def _parse_json(raw: bytes) -> Any:
        try:
            return json.loads(raw or b"{}")
        except json.JSONDecodeError as exc:
            raise _HttpFailureError(400, f"Invalid JSON payload received. {exc}") from exc

    # --- routes -----------------------------------------------------------------------
    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/_local/stats":
            with self.server.state.lock:
                calls = self.server.state.generate_calls
                queued = list(self.server.state.failures)
                draw_seconds = list(self.server.state.draw_seconds)
            self._send_json(
                200,
                {"generate_calls": calls, "queued_failures": queued, "draw_seconds": draw_seconds},
            )
        elif path in ("/_local/health", "/"):
            self._send_json(200, {"ok": True, "server": "local-gemini"})
        else:
            self._send_json(404, _error_body(404, f"No route for GET {path}."))

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        try:
            raw = self._read_body()
            if path == "/_local/failures":
                body = self._parse_json(raw)
                try:
                    self.server.state.queue(str(body.get("mode")), int(body.get("count", 1)))
                except (ValueError, TypeError, AttributeError) as exc:
                    raise _HttpFailureError(400, str(exc)) from exc
                self._send_json(200, {"queued": body.get("mode"), "count": body.get("count", 1)})
                return
            match = _GENERATE_PATH.match(path)
            if match is None:
                raise _HttpFailureError(404, f"No route for POST {path}.")
            self._generate(model=match.group(2), raw=raw)
        except _HttpFailureError as failure:
            self._send_json(failure.status, _error_body(failure.status, failure.message))
        except Exception as exc:  # a bug here must still answer like the API would
            logger.exception("local Gemini server failed")
            self._send_json(500, _error_body(500, f"Internal error: {exc}"))

    # --- generateContent --------------------------------------------------------------
    def _generate(self, *, model: str, raw: bytes) -> None:
        state = self.server.state
        queued = state.begin_call()
        with state.lock:
            state.last_api_key = self.headers.get("x-goog-api-key")
        if not (self.headers.get("x-goog-api-key") or "key=" in self.path):
            raise _HttpFailureError(403, "Method doesn't allow unregistered callers. Send a key.")
        body = self._parse_json(raw)
        prompt, images = _read_contents(body)
        config = (body.get("generationConfig") or {}) if isinstance(body, dict) else {}
        image_config = config.get("imageConfig") or {}
        aspect_ratio = image_config.get("aspectRatio", "1:1")
        image_size = image_config.get("imageSize", "1K")
        try:
            width, height = output_dimensions(aspect_ratio, image_size)
        except PipelineError as exc:
            raise _HttpFailureError(400, exc.message) from exc

        directive = _DIRECTIVE.search(prompt)
        mode = queued or (directive.group(1) if directive else None)
        if state.answer_delay_s > 0 and state.stopping.wait(state.answer_delay_s):
            raise _HttpFailureError(503, "The server is shutting down.")
        if mode == "slow":
            if state.stopping.wait(state.slow_delay_s):
                raise _HttpFailureError(503, "The server is shutting down.")
            mode = None
        if mode is not None:
            http = _HTTP_MODE.match(mode)
            if http:
                status = int(http.group(1))
                raise _HttpFailureError(status, f"Simulated failure ({mode}).")
            self._send_json(200, _blocked_answer(mode, model, prompt, images))
            return
        started = time.perf_counter()
        try:
            final = draw_stand_in(width=width, height=height, prompt=prompt, references=images)
            draft = draw_stand_in(
                width=_DRAFT_SIDE,
                height=max(1, _DRAFT_SIDE * height // width),
                prompt=prompt,
                references=images,
                image_format="PNG",
            )
        except UnreadableReferenceError as exc:
            raise _HttpFailureError(400, f"Unable to process input image. {exc}") from exc
        parts: list[dict[str, Any]] = [
            {
                "text": f"**Planning the image**\n\nComposing {len(images)} reference(s) "
                f"into a {aspect_ratio} {image_size} picture.",
                "thought": True,
            },
            {
                "inlineData": {"mimeType": draft.mime_type, "data": _b64(draft.data)},
                "thought": True,
            },
            {
                "inlineData": {"mimeType": final.mime_type, "data": _b64(final.data)},
                "thoughtSignature": _b64(uuid.uuid4().bytes * 2),
            },
        ]
        answer = {
            "candidates": [
                {
                    "content": {"role": "model", "parts": parts},
                    "finishReason": "STOP",
                    "index": 0,
                }
            ],
            "usageMetadata": _usage(model, prompt, images, image_size=image_size),
            "modelVersion": model,
            "responseId": uuid.uuid4().hex[:22],
        }
        with state.lock:
            state.draw_seconds.append(time.perf_counter() - started)
        self._send_json(200, answer)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64decode(text: str) -> bytes:
    """Standard or URL-safe base64 (the SDK sends URL-safe), as the real API accepts."""
    return base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)


def _read_contents(body: Any) -> tuple[str, list[bytes]]:
    """The prompt text and the inline images of all user contents."""
    if not isinstance(body, dict) or not isinstance(body.get("contents"), list):
        raise _HttpFailureError(400, "* GenerateContentRequest.contents: contents is not specified")
    texts: list[str] = []
    images: list[bytes] = []
    for content in body["contents"]:
        for part in (content or {}).get("parts") or []:
            if not isinstance(part, dict):
                continue
            if isinstance(part.get("text"), str):
                texts.append(part["text"])
            # Like the real API (proto JSON), accept camelCase and snake_case field names;
            # the SDK sends `inlineData` with `mime_type`.
            inline = part.get("inlineData", part.get("inline_data"))
            if isinstance(inline, dict):
                mime = str(inline.get("mimeType", inline.get("mime_type", "")))
                if not mime.startswith("image/"):
                    raise _HttpFailureError(400, f"Unsupported MIME type: {mime}")
                try:
                    images.append(_b64decode(str(inline.get("data", ""))))
                except (binascii.Error, ValueError) as exc:
                    raise _HttpFailureError(400, "Invalid value at 'inline_data.data'.") from exc
    if not texts and not images:
        raise _HttpFailureError(400, "* GenerateContentRequest.contents: contents is not specified")
    return "\n".join(texts), images


def _usage(
    model: str, prompt: str, images: list[bytes], *, image_size: str, with_image: bool = True
) -> dict[str, int]:
    """Usage as the real model reports it, its images counted as the pipeline bills them
    (`identity_images.prices`; a model not there counts as Gemini 3 Pro Image)."""
    prices = prices_of(model) or GEMINI_3_PRO_IMAGE
    prompt_tokens = max(1, len(prompt) // 4) + sum(_input_tokens(prices, i) for i in images)
    if with_image:
        output = prices.output_image_tokens.get(image_size, prices.output_image_tokens["1K"])
    else:
        output = max(1, len(prompt) // 8)
    return {
        "promptTokenCount": prompt_tokens,
        "candidatesTokenCount": output,
        "thoughtsTokenCount": _THOUGHT_TOKENS,
        "totalTokenCount": prompt_tokens + output + _THOUGHT_TOKENS,
    }


def _input_tokens(prices: ModelPrices, image: bytes) -> int:
    """What one input image counts as: the model's fixed count, else Google's rule for
    Gemini 2.0 (258 tokens for an image within 384 px, else 258 per 768 px tile), the
    nearest rule published."""
    if prices.input_image_tokens is not None:
        return prices.input_image_tokens
    try:
        with Image.open(io.BytesIO(image)) as img:
            width, height = img.size
    except (OSError, ValueError):  # not an image: the answer says so, not the count
        return 258
    if width <= 384 and height <= 384:
        return 258
    return math.ceil(width / 768) * math.ceil(height / 768) * 258


def _blocked_answer(mode: str, model: str, prompt: str, images: list[bytes]) -> dict[str, Any]:
    """What the real API answers (with 200) when it will not make the image."""
    usage = _usage(model, prompt, images, image_size="1K", with_image=False)
    if mode == "prompt_blocked":
        return {
            "promptFeedback": {"blockReason": "PROHIBITED_CONTENT"},
            "usageMetadata": {**usage, "candidatesTokenCount": 0, "thoughtsTokenCount": 0},
            "modelVersion": model,
        }
    if mode == "image_safety":
        candidate: dict[str, Any] = {
            "finishReason": "IMAGE_SAFETY",
            "finishMessage": "Unable to show the generated image: it may violate our policies.",
            "index": 0,
        }
    else:  # text_only
        candidate = {
            "content": {
                "role": "model",
                "parts": [
                    {"text": "Thinking about the request.", "thought": True},
                    {"text": "I can describe this person, but I can't create that image."},
                ],
            },
            "finishReason": "STOP",
            "index": 0,
        }
    return {"candidates": [candidate], "usageMetadata": usage, "modelVersion": model}


class LocalGeminiServer:
    """The server on a background thread; a context manager.

    `url` is the base URL to give the SDK (`GEMINI_BASE_URL`); `generate_calls` counts the
    generateContent calls it answered, failures included.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        slow_delay_s: float = DEFAULT_SLOW_DELAY_S,
        answer_delay_s: float = 0.0,
    ) -> None:
        self._state = _State(slow_delay_s, answer_delay_s)
        self._httpd = _Server((host, port), _Handler, bind_and_activate=False)
        self._httpd.state = self._state
        self._thread: threading.Thread | None = None
        self._bound = False

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def generate_calls(self) -> int:
        with self._state.lock:
            return self._state.generate_calls

    @property
    def last_api_key(self) -> str | None:
        """The `x-goog-api-key` of the last generateContent call (tests check the key)."""
        with self._state.lock:
            return self._state.last_api_key

    def fail_next(self, mode: str, count: int = 1) -> None:
        """Answer the next `count` generateContent calls with failure `mode`."""
        self._state.queue(mode, count)

    def bind(self) -> None:
        if not self._bound:
            self._httpd.server_bind()
            self._httpd.server_activate()
            self._bound = True

    def start(self) -> None:
        self.bind()
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": _POLL_INTERVAL_S},
                name="local-gemini",
                daemon=True,
            )
            self._thread.start()

    def serve_forever(self) -> None:
        """Serve on the calling thread until interrupted, then close the socket."""
        self.bind()
        try:
            self._httpd.serve_forever()
        finally:
            self._httpd.server_close()

    def stop(self) -> None:
        self._state.stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> LocalGeminiServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m local_stack.gemini_server",
        description="A local Gemini-compatible server for offline runs and tests.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--slow-delay",
        type=float,
        default=DEFAULT_SLOW_DELAY_S,
        help="seconds the `slow` failure mode waits before answering",
    )
    parser.add_argument(
        "--answer-delay",
        type=float,
        default=0.0,
        help="seconds every generateContent call waits before answering (the model's latency)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    server = LocalGeminiServer(
        args.host, args.port, slow_delay_s=args.slow_delay, answer_delay_s=args.answer_delay
    )
    server.bind()
    print(f"local Gemini server on {server.url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
