"""A local stand-in for the REST API Gateway in front of the API Lambda.

HTTP in, REST proxy events out: each request becomes the event API Gateway would send
(`resource`, `pathParameters`, multi-value headers and query, `requestContext` with the
stage, request id, source IP and the authorizer's context), the `REQUEST` authorizer runs
first with API Gateway's caching and answers (401, 403, 500), CORS preflight is answered
by the gateway as the CDK app's `defaultCorsPreflightOptions` mock integration does, and
the Lambda's proxy response is written back (base64 bodies decoded). An unknown resource
is API Gateway's 403 `Missing Authentication Token`; a slow Lambda is a 504 after the
29 s integration timeout; a broken one is a 502.
"""

from __future__ import annotations

import base64
import json
import logging
import string
import threading
import time
import uuid
from collections.abc import Mapping
from concurrent.futures import CancelledError, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from identity_images.errors import ErrorCode
from local_stack.authorization import (
    AuthorizerCache,
    AuthorizerConfigurationError,
    AuthorizerResult,
    Decision,
)
from local_stack.gateway_config import (
    EXPLICIT_DENY,
    IMPLICIT_DENY,
    MAX_PAYLOAD_BYTES,
    MISSING_TOKEN,
    UNAUTHORIZED,
    GatewayConfig,
    ResponseType,
    TokenBucket,
)
from local_stack.lambda_runtime import ACCOUNT_ID, LocalFunction
from local_stack.routes import Resource, RouteTable

log = logging.getLogger("local_stack.api_gateway")

#: The methods API Gateway's `ANY` stands for (the CDK app's `ANY /v1/{proxy+}`).
ANY_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


@dataclass
class GatewayResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class LocalApiGateway:
    """Turns requests into proxy events for `api`, behind `authorizer` (None: open)."""

    def __init__(
        self,
        *,
        api: LocalFunction,
        routes: RouteTable,
        authorizer: LocalFunction | None = None,
        config: GatewayConfig | None = None,
        cache: AuthorizerCache | None = None,
    ) -> None:
        self.api = api
        self.routes = routes
        self.authorizer = authorizer
        self.config = config or GatewayConfig()
        self.cache = cache or AuthorizerCache(self.config.authorizer_ttl_s)
        rate, burst = self.config.throttling_rate_limit, self.config.throttling_burst_limit
        self.throttle = TokenBucket(rate, burst) if rate and burst else None
        self._pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="api-lambda")
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- HTTP server -------------------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 3000) -> str:
        """Serve in a background thread; returns the base URL."""
        self._server = ThreadingHTTPServer((host, port), _handler_class(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="api-gateway", daemon=True
        )
        self._thread.start()
        return self.url

    @property
    def url(self) -> str:
        assert self._server is not None, "start() first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._pool.shutdown(wait=False, cancel_futures=True)

    # --- One request -------------------------------------------------------------------
    def handle(
        self,
        method: str,
        raw_path: str,
        headers: list[tuple[str, str]],
        body: bytes,
        source_ip: str = "127.0.0.1",
    ) -> GatewayResponse:
        """What API Gateway answers to one HTTP request."""
        request_id = str(uuid.uuid4())
        origin = _header(headers, "origin")
        split = urlsplit(raw_path)
        path = unquote(split.path) or "/"
        found = self.routes.find(path)
        if found is None or (method != "OPTIONS" and not found[0].allows(method)):
            return self._gateway_error(
                ResponseType.MISSING_AUTHENTICATION_TOKEN, MISSING_TOKEN, origin, request_id
            )
        resource, path_params = found
        if self.throttle is not None and not self.throttle.take():
            return self._gateway_error(
                ResponseType.THROTTLED, "Too Many Requests", origin, request_id
            )
        if method == "OPTIONS" and "OPTIONS" not in resource.methods:
            return self._preflight(origin, request_id)
        if len(body) > MAX_PAYLOAD_BYTES:
            return self._gateway_error(
                ResponseType.REQUEST_TOO_LARGE, "Request Too Long", origin, request_id
            )

        event = self._proxy_event(
            method, path, split.query, headers, body, resource, path_params, request_id, source_ip
        )
        authorizer_context: dict[str, str] = {}
        if self.authorizer is not None:
            verdict = self._authorize(event, headers)
            if isinstance(verdict, tuple):
                return self._gateway_error(*verdict, origin, request_id)
            authorizer_context = verdict
        event["requestContext"]["authorizer"] = authorizer_context or None
        return self._integrate(event, origin, request_id)

    def too_large(self, origin: str | None) -> GatewayResponse:
        """API Gateway's 413 for a body over its limit (a gateway response: the error
        shape when customised, with the CORS headers)."""
        return self._gateway_error(
            ResponseType.REQUEST_TOO_LARGE, "Request Too Long", origin, str(uuid.uuid4())
        )

    def bad_request(self, origin: str | None) -> GatewayResponse:
        """API Gateway's 400 for a body it cannot find: a `Content-Length` or chunk size
        that is no length (a gateway response, as `too_large`)."""
        return self._gateway_error(
            ResponseType.BAD_REQUEST_BODY, "Bad Request", origin, str(uuid.uuid4())
        )

    def refused(
        self, status: int, message: str, origin: str | None, *, code: str | None = None
    ) -> GatewayResponse:
        """What `http.server` would answer with an HTML page of its own (a request line over
        64 KB, a malformed request), in the gateway's shape: `code`, else the code its
        family (`DEFAULT_4XX`, `DEFAULT_5XX`) is customised with, as API Gateway answers
        an error it has no gateway response of its own for."""
        family = "DEFAULT_4XX" if status < 500 else "DEFAULT_5XX"
        custom = self.config.gateway_responses.get(family)
        code = code or (custom.code if custom else None)
        return self._error_response(status, code, message, origin, str(uuid.uuid4()))

    def method_not_allowed(self, origin: str | None) -> GatewayResponse:
        """A method the gateway has no resource method for (TRACE, CONNECT, a made-up
        one: `ANY` covers the seven of `ANY_METHODS`): 405 `method_not_allowed` in the
        gateway's shape with `Allow`, where `http.server` answered 501 in HTML."""
        response = self.refused(
            405,
            f"Use one of {', '.join(ANY_METHODS)}.",
            origin,
            code=ErrorCode.METHOD_NOT_ALLOWED.value,
        )
        response.headers.append(("Allow", ", ".join(ANY_METHODS)))
        return response

    def _authorize(
        self, event: dict[str, Any], headers: list[tuple[str, str]]
    ) -> dict[str, str] | tuple[ResponseType, str | None]:
        """The authorizer context, or the answer API Gateway gives instead."""
        assert self.authorizer is not None
        token = _header(headers, "authorization")
        if not token:
            return ResponseType.UNAUTHORIZED, UNAUTHORIZED
        method_arn = (
            f"arn:aws:execute-api:{self.config.region}:{ACCOUNT_ID}:{self.config.api_id}/"
            f"{self.config.stage}/{event['httpMethod']}/{event['path'].lstrip('/')}"
        )
        result = self.cache.get(token)
        if result is None:
            auth_event = {
                "type": "REQUEST",
                "methodArn": method_arn,
                **{k: v for k, v in event.items() if k not in ("body", "isBase64Encoded")},
            }
            try:
                output = self.authorizer.invoke(auth_event)
                result = AuthorizerResult.parse(output)
            except AuthorizerConfigurationError as exc:
                log.error("authorizer answered badly: %s", exc)
                return ResponseType.AUTHORIZER_CONFIGURATION_ERROR, None
            except Exception as exc:
                if str(exc) == UNAUTHORIZED:
                    return ResponseType.UNAUTHORIZED, UNAUTHORIZED
                log.exception("authorizer failed")
                return ResponseType.AUTHORIZER_CONFIGURATION_ERROR, None
            self.cache.put(token, result)
        decision = result.decide(method_arn)
        if decision is Decision.ALLOW:
            return result.request_context()
        explicit = decision is Decision.EXPLICIT_DENY
        return ResponseType.ACCESS_DENIED, EXPLICIT_DENY if explicit else IMPLICIT_DENY

    def _not_invoked(
        self, event: dict[str, Any], origin: str | None, request_id: str
    ) -> GatewayResponse:
        """A request the stopping stack did not hand to the API Lambda: a 502, no traceback."""
        log.info("%s %s: not invoked, stack stopping", event["httpMethod"], event["path"])
        return self._gateway_error(
            ResponseType.INTEGRATION_FAILURE, "Internal server error", origin, request_id
        )

    def _integrate(
        self, event: dict[str, Any], origin: str | None, request_id: str
    ) -> GatewayResponse:
        started = time.monotonic()
        try:
            future = self._pool.submit(self.api.invoke, event)
        except RuntimeError:  # the stack is stopping: its pool takes no more invocations
            return self._not_invoked(event, origin, request_id)
        try:
            output = future.result(timeout=self.config.integration_timeout_s)
        except CancelledError:  # the stack stopped: its pool dropped the ones still queued
            return self._not_invoked(event, origin, request_id)
        except FutureTimeout:
            log.error("%s %s: integration timed out", event["httpMethod"], event["path"])
            return self._gateway_error(
                ResponseType.INTEGRATION_TIMEOUT, "Endpoint request timed out", origin, request_id
            )
        except Exception:
            log.exception("%s %s: the API Lambda raised", event["httpMethod"], event["path"])
            return self._gateway_error(
                ResponseType.INTEGRATION_FAILURE, "Internal server error", origin, request_id
            )
        try:
            response = _proxy_response(output)
        except ValueError as exc:
            log.error("malformed Lambda proxy response: %s", exc)
            return self._gateway_error(
                ResponseType.INTEGRATION_FAILURE, "Internal server error", origin, request_id
            )
        response.headers.append(("x-amzn-RequestId", request_id))
        log.info(
            "%s %s -> %s (%.0f ms)",
            event["httpMethod"],
            event["path"],
            response.status,
            (time.monotonic() - started) * 1000,
        )
        return response

    def _proxy_event(
        self,
        method: str,
        path: str,
        query: str,
        headers: list[tuple[str, str]],
        body: bytes,
        resource: Resource,
        path_params: dict[str, str],
        request_id: str,
        source_ip: str,
    ) -> dict[str, Any]:
        multi_headers: dict[str, list[str]] = {}
        for name, value in headers:
            multi_headers.setdefault(name, []).append(value)
        for name, value in (
            ("X-Forwarded-For", source_ip),
            ("X-Forwarded-Proto", "http"),
        ):
            if _header(headers, name) is None:
                multi_headers[name] = [value]
        multi_query: dict[str, list[str]] = {}
        for name, value in parse_qsl(query, keep_blank_values=True):
            multi_query.setdefault(name, []).append(value)
        try:
            text: str | None = body.decode() if body else None
            is_base64 = False
        except UnicodeDecodeError:
            text, is_base64 = base64.b64encode(body).decode(), True
        now = datetime.now(UTC)
        return {
            "resource": resource.path,
            "path": path,
            "httpMethod": method,
            "headers": {k: v[-1] for k, v in multi_headers.items()} or None,
            "multiValueHeaders": multi_headers or None,
            "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": path_params or None,
            "stageVariables": None,
            "requestContext": {
                "resourceId": resource.path,
                "resourcePath": resource.path,
                "httpMethod": method,
                "extendedRequestId": request_id,
                "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
                "path": f"/{self.config.stage}{path}",
                "accountId": ACCOUNT_ID,
                "protocol": "HTTP/1.1",
                "stage": self.config.stage,
                "domainPrefix": self.config.api_id,
                "requestTimeEpoch": int(now.timestamp() * 1000),
                "requestId": request_id,
                "identity": {
                    "sourceIp": source_ip,
                    "userAgent": _header(headers, "user-agent"),
                    "accessKey": None,
                    "accountId": None,
                    "caller": None,
                    "user": None,
                    "userArn": None,
                },
                "domainName": _header(headers, "host") or "localhost",
                "apiId": self.config.api_id,
            },
            "body": text,
            "isBase64Encoded": is_base64,
        }

    # --- Gateway's own answers ---------------------------------------------------------
    def _cors_headers(self, origin: str | None, *, preflight: bool) -> list[tuple[str, str]]:
        cors = self.config.cors
        allowed = cors.origin_for(origin) if preflight else cors.gateway_origin(origin)
        return [
            ("Access-Control-Allow-Origin", allowed),
            ("Access-Control-Allow-Headers", ",".join(cors.allow_headers)),
            ("Vary", "Origin"),
        ]

    def _preflight(self, origin: str | None, request_id: str) -> GatewayResponse:
        cors = self.config.cors
        headers = [
            *self._cors_headers(origin, preflight=True),
            ("Access-Control-Allow-Methods", ",".join(cors.allow_methods)),
            ("Access-Control-Max-Age", str(cors.max_age_s)),
            ("x-amzn-RequestId", request_id),
        ]
        return GatewayResponse(204, headers, b"")

    def _gateway_error(
        self, kind: ResponseType, message: str | None, origin: str | None, request_id: str
    ) -> GatewayResponse:
        responses = self.config.gateway_responses
        custom = responses.get(kind.value) or responses.get(kind.family)
        status = (custom.status if custom else None) or kind.status
        log.info("gateway answered %s (%s): %s", status, kind.value, message)
        response = self._error_response(
            status, custom.code if custom else None, message, origin, request_id
        )
        if kind in (ResponseType.UNAUTHORIZED, ResponseType.ACCESS_DENIED):
            response.headers.append(("x-amzn-ErrorType", "AccessDeniedException"))
        return response

    def _error_response(
        self,
        status: int,
        code: str | None,
        message: str | None,
        origin: str | None,
        request_id: str,
    ) -> GatewayResponse:
        """The pipeline's error shape when there is a `code` (a customised gateway response),
        else API Gateway's own `{"message"}`; JSON, with the CORS headers."""
        body: dict[str, Any] = (
            {"error": {"code": code, "message": message, "details": {}}}
            if code
            else {"message": message}
        )
        headers = [
            ("Content-Type", "application/json"),
            *self._cors_headers(origin, preflight=False),
            ("x-amzn-RequestId", request_id),
        ]
        return GatewayResponse(status, headers, json.dumps(body).encode())


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    lowered = name.lower()
    for key, value in headers:
        if key.lower() == lowered:
            return value
    return None


def _proxy_response(output: Any) -> GatewayResponse:
    """A Lambda proxy integration response as HTTP; ValueError when malformed."""
    if not isinstance(output, Mapping):
        raise ValueError("response is not an object")
    status = output.get("statusCode")
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if not isinstance(status, int) or isinstance(status, bool):
        raise ValueError("statusCode missing")
    headers: list[tuple[str, str]] = []
    single = output.get("headers") or {}
    multi = output.get("multiValueHeaders") or {}
    if not isinstance(single, Mapping) or not isinstance(multi, Mapping):
        raise ValueError("headers are not objects")
    for name, values in multi.items():
        headers.extend((str(name), str(v)) for v in values)
    multi_names = {str(n).lower() for n in multi}
    headers.extend(
        (str(name), str(value)) for name, value in single.items() if name.lower() not in multi_names
    )
    body = output.get("body") or ""
    if not isinstance(body, str):
        raise ValueError("body is not a string")
    # API Gateway's default type for a proxy answer that names none; an answer with no
    # body (the API's 204) has no type to name, and gets none.
    if body and _header(headers, "content-type") is None:
        headers.append(("Content-Type", "application/json"))
    data = base64.b64decode(body) if output.get("isBase64Encoded") else body.encode()
    return GatewayResponse(status, headers, data)


class MalformedLengthError(ValueError):
    """A `Content-Length` or chunk size that is no length: where the body ends is unknown."""


def _length(text: str, base: int) -> int:
    """A `Content-Length` (base 10) or a chunk size (base 16): digits only, as HTTP has
    them, so not the sign, blanks or underscores `int` would also take (-1 would make the
    read wait for the client to hang up, another negative one would fail it)."""
    digits = string.hexdigits if base == 16 else string.digits
    if not text or any(c not in digits for c in text):
        raise MalformedLengthError(f"not a length: {text[:40]!r}")
    return int(text, base)


def _handler_class(gateway: LocalApiGateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "local-api-gateway"

        def _serve(self) -> None:
            origin = _header(list(self.headers.items()), "origin")
            try:
                body = self._read_body()
            except MalformedLengthError:
                # Where the body ends is unknown, so the connection cannot carry another
                # request.
                self.close_connection = True
                response = gateway.bad_request(origin)
            else:
                response = self._answer(body, origin)
            self.send_response(response.status)
            for name, value in response.headers:
                if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            if self.close_connection:  # say so, or the client sends its next request into it
                self.send_header("Connection", "close")
            try:
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):
                # The client went before its answer (the page let go of a read it no longer
                # needed): nothing to tell it, and no traceback in the log for it.
                self.close_connection = True
                log.info("%s %s: the client went before its answer", self.command, self.path)

        def _answer(self, body: bytes | None, origin: str | None) -> GatewayResponse:
            if body is None:
                # Over the limit: the rest of the body is never read, so the connection
                # cannot carry another request.
                self.close_connection = True
                return gateway.too_large(origin)
            return gateway.handle(
                self.command,
                self.path,
                list(self.headers.items()),
                body,
                source_ip=self.client_address[0],
            )

        def _read_body(self) -> bytes | None:
            """The body, or None once it is over `MAX_PAYLOAD_BYTES`: a declared length
            over it is not read at all, a chunked body is read only up to it.
            `MalformedLengthError` for a length or chunk size that is no length."""
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks: list[bytes] = []
                total = 0
                while True:
                    line = self.rfile.readline().split(b";")[0].strip() or b"0"
                    size = _length(line.decode("latin-1"), 16)
                    if size == 0:
                        self.rfile.readline()
                        return b"".join(chunks)
                    total += size
                    if total > MAX_PAYLOAD_BYTES:
                        return None
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            lengths = self.headers.get_all("Content-Length") or ["0"]
            if len(set(lengths)) > 1:  # which one ends the body is unknown (RFC 9112, 6.3)
                raise MalformedLengthError(f"{len(lengths)} Content-Length headers that differ")
            length = _length(lengths[0].strip(), 10)
            if length > MAX_PAYLOAD_BYTES:
                return None
            return self.rfile.read(length) if length else b""

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve  # noqa: N815

        def send_error(
            self, code: int, message: str | None = None, explain: str | None = None
        ) -> None:
            """`http.server`'s own refusals (501 for a method without a `do_` above, 414 for a
            request line over 64 KB, 400 for a malformed one) were HTML pages: the gateway's
            JSON error shape instead. The request was not read to its end, so the
            connection closes."""
            headers = getattr(self, "headers", None)  # none yet for a request line refused
            origin = _header(list(headers.items()), "origin") if headers is not None else None
            if code == HTTPStatus.NOT_IMPLEMENTED:
                response = gateway.method_not_allowed(origin)
            else:
                try:
                    reason = HTTPStatus(code).phrase
                except ValueError:
                    reason = "Error"
                response = gateway.refused(code, reason, origin)
            self.close_connection = True
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("%s " + format, self.address_string(), *args)

    return Handler
