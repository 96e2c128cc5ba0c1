"""The local API Gateway: proxy events, the authorizer and its cache, CORS, errors."""

from __future__ import annotations

import base64
import json
import logging
import socket
import struct
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from local_stack import api_gateway
from local_stack.api_gateway import LocalApiGateway
from local_stack.authorization import AuthorizerCache
from local_stack.gateway_config import CorsConfig, GatewayConfig
from local_stack.lambda_runtime import MAX_RESPONSE_BYTES, LocalFunction
from local_stack.routes import cdk_routes
from tests.support.routes import route_table

ROUTES = route_table(
    [
        ("GET", "/v1/users"),
        ("GET", "/v1/generations/{generation_id}"),
        ("POST", "/v1/generations"),
        ("GET", "/v1/image"),
        ("GET", "/v1/broken"),
        ("GET", "/v1/untyped"),
    ]
)
ADMIN = "Bearer admin"
ORIGIN = "http://localhost:5173"


class StubAuthorizer:
    """Answers like the real authorizer, by token; counts its calls."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.events.append(event)
        token = event["headers"].get("Authorization", "")
        arn_base = event["methodArn"].split("/", 1)[0]
        stage = event["requestContext"]["stage"]
        if token == "Bearer member":
            return _policy("Deny", f"{arn_base}/{stage}/*/*", "member")
        if token == "Bearer narrow":
            # Allows the one route asked for: the cached policy denies the next one.
            return _policy("Allow", event["methodArn"], "narrow")
        if token == "Bearer nested":
            return {**_policy("Allow", "*", "x"), "context": {"user": {"id": 1}}}
        if token == ADMIN:
            policy = _policy("Allow", f"{arn_base}/{stage}/*/*", "7")
            policy["context"] = {"user_id": 7, "username": "admin", "is_staff": True}
            return policy
        raise Exception("Unauthorized")


def _policy(effect: str, resource: str, principal: str) -> dict[str, Any]:
    return {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}],
        },
    }


class StubApi:
    """Echoes the proxy event it got; a few paths answer otherwise."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        #: `/v1/when-released` answers once this is set.
        self.released = threading.Event()

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        self.events.append(event)
        assert context.get_remaining_time_in_millis() > 0
        if event["path"] == "/v1/when-released":
            assert self.released.wait(timeout=10)
        if event["path"] == "/v1/image":
            return {
                "statusCode": 200,
                "headers": {"Content-Type": "image/png"},
                "body": base64.b64encode(b"\x89PNG\x00\xff").decode(),
                "isBase64Encoded": True,
            }
        if event["path"] == "/v1/broken":
            return {"body": "no status"}
        if event["path"] == "/v1/untyped":
            return {"statusCode": 200, "body": "{}"}
        return {
            "statusCode": 200 if event["httpMethod"] == "GET" else 202,
            "headers": {"Content-Type": "application/json"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
            "body": json.dumps({"ok": True}),
            "isBase64Encoded": False,
        }


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def authorizer() -> StubAuthorizer:
    return StubAuthorizer()


@pytest.fixture
def api() -> StubApi:
    return StubApi()


@pytest.fixture
def gateway(api: StubApi, authorizer: StubAuthorizer, clock: Clock) -> LocalApiGateway:
    config = GatewayConfig(cors=CorsConfig(allow_origins=(ORIGIN, "https://admin.example")))
    return LocalApiGateway(
        api=LocalFunction("api", api),
        authorizer=LocalFunction("authorizer", authorizer),
        routes=ROUTES,
        config=config,
        cache=AuthorizerCache(300, clock=clock),
    )


def _headers(token: str | None = ADMIN, **extra: str) -> list[tuple[str, str]]:
    headers = [("Host", "127.0.0.1:3000"), ("Origin", ORIGIN), *extra.items()]
    return [*headers, ("Authorization", token)] if token else headers


def _json(body: bytes) -> Any:
    return json.loads(body)


def test_request_becomes_a_rest_proxy_event(gateway: LocalApiGateway, api: StubApi) -> None:
    response = gateway.handle(
        "GET",
        "/v1/generations/g%201?identity_id=5&tag=a&tag=b",
        _headers(**{"X-Trace": "t"}),
        b"",
        source_ip="10.1.2.3",
    )
    assert response.status == 200
    event = api.events[-1]
    assert event["resource"] == "/v1/generations/{generation_id}"
    assert event["path"] == "/v1/generations/g 1"
    assert event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"generation_id": "g 1"}
    assert event["queryStringParameters"] == {"identity_id": "5", "tag": "b"}
    assert event["multiValueQueryStringParameters"] == {"identity_id": ["5"], "tag": ["a", "b"]}
    assert event["headers"]["X-Trace"] == "t"
    assert event["multiValueHeaders"]["Authorization"] == [ADMIN]
    assert event["body"] is None
    assert event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["stage"] == "prod"
    assert context["resourcePath"] == "/v1/generations/{generation_id}"
    assert context["identity"]["sourceIp"] == "10.1.2.3"
    assert context["requestId"]
    # The authorizer's context arrives stringified, as API Gateway passes it.
    assert context["authorizer"] == {
        "user_id": "7",
        "username": "admin",
        "is_staff": "true",
        "principalId": "7",
    }


def test_event_without_query_or_parameters_has_nulls(
    gateway: LocalApiGateway, api: StubApi
) -> None:
    gateway.handle("POST", "/v1/generations", _headers(), b'{"a": 1}')
    event = api.events[-1]
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None
    assert json.loads(event["body"]) == {"a": 1}


def test_non_text_body_is_base64_encoded(gateway: LocalApiGateway, api: StubApi) -> None:
    gateway.handle("POST", "/v1/generations", _headers(), b"\xff\xfe\x00")
    event = api.events[-1]
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\xff\xfe\x00"


def test_authorizer_gets_a_request_event_with_the_method_arn(
    gateway: LocalApiGateway, authorizer: StubAuthorizer
) -> None:
    gateway.handle("GET", "/v1/users?x=1", _headers(), b"")
    event = authorizer.events[-1]
    assert event["type"] == "REQUEST"
    assert event["methodArn"] == (
        "arn:aws:execute-api:us-east-1:123456789012:localapi/prod/GET/v1/users"
    )
    assert event["headers"]["Authorization"] == ADMIN
    assert event["queryStringParameters"] == {"x": "1"}
    assert "body" not in event


def test_no_token_is_401_without_calling_the_authorizer(
    gateway: LocalApiGateway, authorizer: StubAuthorizer, api: StubApi
) -> None:
    response = gateway.handle("GET", "/v1/users", _headers(token=None), b"")
    assert response.status == 401
    assert _json(response.body) == {"message": "Unauthorized"}
    assert dict(response.headers)["Access-Control-Allow-Origin"] == ORIGIN
    assert authorizer.events == []
    assert api.events == []


def test_unauthorized_exception_is_401(gateway: LocalApiGateway, api: StubApi) -> None:
    response = gateway.handle("GET", "/v1/users", _headers(token="Bearer forged"), b"")
    assert response.status == 401
    assert _json(response.body) == {"message": "Unauthorized"}
    assert api.events == []


def test_deny_policy_is_403_and_is_cached(
    gateway: LocalApiGateway, authorizer: StubAuthorizer, api: StubApi
) -> None:
    for _ in range(2):
        response = gateway.handle("GET", "/v1/users", _headers(token="Bearer member"), b"")
        assert response.status == 403
        assert _json(response.body) == {
            "message": "User is not authorized to access this resource with an explicit deny"
        }
    assert len(authorizer.events) == 1
    assert api.events == []


def test_allow_is_cached_per_token_until_the_ttl(
    gateway: LocalApiGateway, authorizer: StubAuthorizer, clock: Clock
) -> None:
    gateway.handle("GET", "/v1/users", _headers(), b"")
    gateway.handle("GET", "/v1/generations/1", _headers(), b"")
    assert len(authorizer.events) == 1
    clock.now += 301
    gateway.handle("GET", "/v1/users", _headers(), b"")
    assert len(authorizer.events) == 2


def test_a_line_break_in_the_path_is_still_under_the_policys_wildcard(
    gateway: LocalApiGateway, api: StubApi
) -> None:
    """`*` did not match a line feed: an admin's `%0A` got the authorizer's 403, not the
    API's answer about the id."""
    for raw_path in ("/v1/generations/a%0Ab", "/v1/generations/%0D%0A"):
        response = gateway.handle("GET", raw_path, _headers(), b"")
        assert response.status == 200, response.body
    assert api.events[-1]["path"] == "/v1/generations/\r\n"


def test_a_cached_narrow_policy_denies_the_next_route(
    gateway: LocalApiGateway, authorizer: StubAuthorizer
) -> None:
    first = gateway.handle("GET", "/v1/users", _headers(token="Bearer narrow"), b"")
    second = gateway.handle("GET", "/v1/generations/1", _headers(token="Bearer narrow"), b"")
    assert first.status == 200
    assert second.status == 403
    assert _json(second.body) == {"message": "User is not authorized to access this resource"}
    assert len(authorizer.events) == 1


def test_nested_authorizer_context_is_a_500(gateway: LocalApiGateway, api: StubApi) -> None:
    response = gateway.handle("GET", "/v1/users", _headers(token="Bearer nested"), b"")
    assert response.status == 500
    assert _json(response.body) == {"message": None}
    assert api.events == []


def test_unknown_route_or_method_is_missing_authentication_token(
    gateway: LocalApiGateway, authorizer: StubAuthorizer
) -> None:
    for method, path in (("GET", "/v2/nothing"), ("DELETE", "/v1/users")):
        response = gateway.handle(method, path, _headers(), b"")
        assert response.status == 403
        assert _json(response.body) == {"message": "Missing Authentication Token"}
    assert authorizer.events == []


def test_preflight_is_answered_without_the_authorizer(
    gateway: LocalApiGateway, authorizer: StubAuthorizer, api: StubApi
) -> None:
    response = gateway.handle(
        "OPTIONS",
        "/v1/generations/9",
        [("Origin", "https://admin.example"), ("Access-Control-Request-Method", "GET")],
        b"",
    )
    headers = dict(response.headers)
    assert response.status == 204
    assert headers["Access-Control-Allow-Origin"] == "https://admin.example"
    assert "Authorization" in headers["Access-Control-Allow-Headers"].split(",")
    assert "Idempotency-Key" in headers["Access-Control-Allow-Headers"].split(",")
    assert "POST" in headers["Access-Control-Allow-Methods"].split(",")
    assert authorizer.events == []
    assert api.events == []


def test_preflight_from_an_unknown_origin_gets_the_first_allowed_origin(
    gateway: LocalApiGateway,
) -> None:
    response = gateway.handle("OPTIONS", "/v1/users", [("Origin", "https://evil.example")], b"")
    assert dict(response.headers)["Access-Control-Allow-Origin"] == ORIGIN


def test_malformed_lambda_response_is_502(gateway: LocalApiGateway) -> None:
    response = gateway.handle("GET", "/v1/broken", _headers(), b"")
    assert response.status == 502
    assert _json(response.body) == {"message": "Internal server error"}


def test_lambda_exception_is_502(authorizer: StubAuthorizer) -> None:
    def failing(event: Any, context: Any) -> Any:
        raise RuntimeError("boom")

    gateway = LocalApiGateway(
        api=LocalFunction("api", failing),
        authorizer=LocalFunction("authorizer", authorizer),
        routes=ROUTES,
    )
    response = gateway.handle("GET", "/v1/users", _headers(), b"")
    assert response.status == 502


def test_an_answer_over_lambdas_6_mb_is_502_as_deployed(authorizer: StubAuthorizer) -> None:
    """Lambda returns no answer larger than 6 MB: API Gateway says 502, not the answer."""

    def answering(size: int) -> Any:
        def api(event: Any, context: Any) -> Any:
            return {"statusCode": 200, "body": "x" * size}

        return api

    for size, status in ((MAX_RESPONSE_BYTES - 1024, 200), (MAX_RESPONSE_BYTES, 502)):
        gateway = LocalApiGateway(
            api=LocalFunction("api", answering(size)),
            authorizer=LocalFunction("authorizer", authorizer),
            routes=ROUTES,
        )
        assert gateway.handle("GET", "/v1/users", _headers(), b"").status == status, size


def test_a_request_met_by_a_stop_is_502_not_a_traceback(
    gateway: LocalApiGateway, api: StubApi, caplog: pytest.LogCaptureFixture
) -> None:
    """A request still on its way as the stack stops (its pool shut) is answered, and logged
    as such: it raised `cannot schedule new futures after shutdown` from the handler."""
    caplog.set_level(logging.INFO, logger=api_gateway.__name__)
    gateway.stop()
    response = gateway.handle("GET", "/v1/users", _headers(), b"")
    assert response.status == 502
    assert _json(response.body) == {"message": "Internal server error"}
    assert api.events == []
    assert "not invoked, stack stopping" in caplog.text
    assert not [record for record in caplog.records if record.exc_info]


def test_a_request_queued_for_the_api_as_the_stack_stops_is_502_not_a_traceback(
    authorizer: StubAuthorizer, caplog: pytest.LogCaptureFixture
) -> None:
    """Every worker of the API's pool busy, one more request waits in its queue; the stop
    drops it (`cancel_futures`): answered 502, logged as not invoked."""
    caplog.set_level(logging.INFO, logger=api_gateway.__name__)
    release = threading.Event()
    busy = threading.Semaphore(0)

    def held(event: Any, context: Any) -> Any:
        busy.release()
        release.wait(timeout=10)
        return {"statusCode": 200, "body": "{}"}

    gateway = LocalApiGateway(
        api=LocalFunction("api", held),
        authorizer=LocalFunction("authorizer", authorizer),
        routes=ROUTES,
    )
    workers = gateway._pool._max_workers
    answers: list[int] = []

    def ask() -> None:
        answers.append(gateway.handle("GET", "/v1/users", _headers(), b"").status)

    threads = [threading.Thread(target=ask) for _ in range(workers + 1)]
    for thread in threads[:workers]:
        thread.start()
    for _ in range(workers):
        assert busy.acquire(timeout=10)
    threads[-1].start()
    time.sleep(0.2)  # the last one submitted: it waits in the pool's queue
    gateway.stop()
    release.set()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(answers) == [200] * workers + [502]
    assert "not invoked, stack stopping" in caplog.text
    assert not [record for record in caplog.records if record.exc_info]


@pytest.fixture
def served(gateway: LocalApiGateway) -> Iterator[str]:
    url = gateway.start("127.0.0.1", 0)
    yield url
    gateway.stop()


def test_over_http_headers_and_multi_value_headers_are_written(served: str) -> None:
    with httpx.Client(base_url=served) as client:
        response = client.get("/v1/users", headers={"Authorization": ADMIN})
        assert response.status_code == 200
        assert response.json() == {"ok": True}
        assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]
        assert response.headers["x-amzn-requestid"]
        # The connection is kept alive: a second request on it works.
        again = client.post("/v1/generations", json={}, headers={"Authorization": ADMIN})
        assert again.status_code == 202


def test_a_client_gone_before_its_answer_is_one_line_not_a_traceback(
    served: str, api: StubApi, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    port = int(served.rsplit(":", 1)[1])
    caplog.set_level(logging.INFO, logger="local_stack.api_gateway")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(
            b"GET /v1/when-released HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer admin\r\n\r\n"
        )
        # Gone at once, with a reset (as a browser drops a read it let go of).
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    time.sleep(0.2)
    api.released.set()
    deadline = time.monotonic() + 10
    while "went before its answer" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "GET /v1/when-released: the client went before its answer" in caplog.text
    assert "Traceback" not in capsys.readouterr().err
    # The gateway still answers.
    assert httpx.get(f"{served}/v1/users", headers={"Authorization": ADMIN}).status_code == 200


def test_an_answer_without_a_body_gets_no_content_type(gateway: LocalApiGateway) -> None:
    """A 204 was sent `Content-Type: application/json` with nothing after it; a body
    without a type still gets API Gateway's default."""
    typed = gateway.handle("GET", "/v1/untyped", _headers(), b"")
    assert ("Content-Type", "application/json") in typed.headers
    empty = api_gateway._proxy_response({"statusCode": 204})
    assert [name for name, _ in empty.headers if name.lower() == "content-type"] == []
    assert empty.body == b""


def test_over_http_base64_bodies_are_decoded(served: str) -> None:
    response = httpx.get(f"{served}/v1/image", headers={"Authorization": ADMIN})
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content == b"\x89PNG\x00\xff"


def test_over_http_chunked_request_body_reaches_the_lambda(served: str, api: StubApi) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"identity_id": '
        yield b'"5"}'

    response = httpx.post(
        f"{served}/v1/generations", content=chunks(), headers={"Authorization": ADMIN}
    )
    assert response.status_code == 202
    assert json.loads(api.events[-1]["body"]) == {"identity_id": "5"}


def _cdk_like_gateway(api: StubApi, authorizer: StubAuthorizer) -> LocalApiGateway:
    """The gateway responses the CDK app configures (`resource_spec.GATEWAY_RESPONSES`)."""
    from local_stack.stack import CDK_GATEWAY_RESPONSES

    responses = CDK_GATEWAY_RESPONSES
    return LocalApiGateway(
        api=LocalFunction("api", api),
        authorizer=LocalFunction("authorizer", authorizer),
        routes=cdk_routes(),
        config=GatewayConfig(cors=CorsConfig(allow_origins=(ORIGIN,)), gateway_responses=responses),
    )


def test_cdk_shaped_proxy_resource_sends_every_v1_path_to_the_api(
    api: StubApi, authorizer: StubAuthorizer
) -> None:
    gateway = _cdk_like_gateway(api, authorizer)
    response = gateway.handle("DELETE", "/v1/generations/g1/anything", _headers(), b"")
    assert response.status == 202
    event = api.events[-1]
    assert event["resource"] == "/v1/{proxy+}"
    assert event["pathParameters"] == {"proxy": "generations/g1/anything"}
    assert event["path"] == "/v1/generations/g1/anything"


def test_customised_gateway_responses_use_the_pipeline_error_shape(
    api: StubApi, authorizer: StubAuthorizer
) -> None:
    gateway = _cdk_like_gateway(api, authorizer)
    missing = gateway.handle("GET", "/elsewhere", _headers(), b"")
    assert missing.status == 404
    assert _json(missing.body)["error"]["code"] == "not_found"
    no_token = gateway.handle("GET", "/v1/users", _headers(token=None), b"")
    assert no_token.status == 401
    assert _json(no_token.body) == {
        "error": {"code": "unauthorized", "message": "Unauthorized", "details": {}}
    }
    denied = gateway.handle("GET", "/v1/users", _headers(token="Bearer member"), b"")
    assert denied.status == 403
    assert _json(denied.body)["error"]["code"] == "forbidden"
    # One allowed origin: gateway responses name it, whoever asks.
    assert dict(denied.headers)["Access-Control-Allow-Origin"] == ORIGIN
    broken = gateway.handle("GET", "/v1/broken", _headers(), b"")
    assert broken.status == 502
    assert _json(broken.body)["error"]["code"] == "internal_error"
    assert api.events[-1]["path"] == "/v1/broken"


def test_the_stage_throttles_with_429_throttled(api: StubApi, authorizer: StubAuthorizer) -> None:
    """As the CDK app's stage: a burst, then the rate; the answer is `throttled`, never
    `validation_error` (DEFAULT_4XX)."""
    from local_stack.gateway_config import TokenBucket
    from local_stack.stack import CDK_GATEWAY_RESPONSES

    clock = Clock()
    gateway = LocalApiGateway(
        api=LocalFunction("api", api),
        authorizer=LocalFunction("authorizer", authorizer),
        routes=ROUTES,
        config=GatewayConfig(
            cors=CorsConfig(allow_origins=(ORIGIN,)), gateway_responses=CDK_GATEWAY_RESPONSES
        ),
    )
    gateway.throttle = TokenBucket(rate=1, burst=2, clock=clock)
    answers = [gateway.handle("GET", "/v1/users", _headers(), b"").status for _ in range(3)]
    assert answers == [200, 200, 429]
    throttled = gateway.handle("GET", "/v1/users", _headers(), b"")
    assert _json(throttled.body)["error"]["code"] == "throttled"
    clock.now += 1
    assert gateway.handle("GET", "/v1/users", _headers(), b"").status == 200


# --- bodies over the limit ------------------------------------------------------------
@pytest.fixture
def served_cdk_like(
    api: StubApi, authorizer: StubAuthorizer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, int]]:
    monkeypatch.setattr(api_gateway, "MAX_PAYLOAD_BYTES", 1000)
    gateway = _cdk_like_gateway(api, authorizer)
    url = gateway.start("127.0.0.1", 0)
    yield url, int(url.rsplit(":", 1)[1])
    gateway.stop()


def _raw_exchange(
    port: int, head: bytes, body_parts: list[bytes]
) -> tuple[int, dict[str, str], Any]:
    """Send `head` and `body_parts`, then read the answer without sending anything more."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(head)
        for part in body_parts:
            conn.sendall(part)
        received = b""
        while b"\r\n\r\n" not in received or not _complete(received):
            chunk = conn.recv(65536)
            if not chunk:
                break
            received += chunk
    head_text, _, body = received.partition(b"\r\n\r\n")
    lines = head_text.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, json.loads(body)


def _complete(received: bytes) -> bool:
    head, _, body = received.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def _is_too_large(status: int, headers: dict[str, str], body: Any) -> None:
    assert status == 413
    assert headers["content-type"] == "application/json"
    assert headers["access-control-allow-origin"] == ORIGIN
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == "payload_too_large"  # not DEFAULT_4XX's validation_error


def test_a_declared_length_over_the_limit_is_a_json_413_with_cors_unread(
    served_cdk_like: tuple[str, int], api: StubApi
) -> None:
    _, port = served_cdk_like
    head = (
        b"POST /v1/generations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer admin\r\n"
        b"Origin: " + ORIGIN.encode() + b"\r\nContent-Type: application/json\r\n"
        b"Content-Length: 5000\r\n\r\n"
    )
    # Not one byte of the body is sent: the answer must come anyway.
    _is_too_large(*_raw_exchange(port, head, [b""]))
    assert api.events == []


def test_a_chunked_body_is_read_only_up_to_the_limit(
    served_cdk_like: tuple[str, int], api: StubApi
) -> None:
    _, port = served_cdk_like
    head = (
        b"POST /v1/generations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer admin\r\n"
        b"Origin: " + ORIGIN.encode() + b"\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    first = b"258\r\n" + b"a" * 600 + b"\r\n"
    # The second chunk announces 600 more bytes (1200 > 1000) and never sends them.
    _is_too_large(*_raw_exchange(port, head, [first, b"258\r\n"]))
    assert api.events == []


# --- bodies whose length is no length ---------------------------------------------------
@pytest.mark.parametrize(
    "framing",
    [
        b"Content-Length: -1\r\n\r\n",  # read(-1) would wait for the client to hang up
        b"Content-Length: -5\r\n\r\nhello",
        b"Content-Length: five\r\n\r\n",
        b"Content-Length: +5\r\n\r\nhello",
        # Two that differ: which one ends the body is unknown (a smuggling pattern).
        b"Content-Length: 51\r\nContent-Length: 5\r\n\r\nhello",
        b"Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
        b"Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n",
    ],
)
def test_a_length_that_is_no_length_is_a_json_400_with_cors(
    served_cdk_like: tuple[str, int], api: StubApi, framing: bytes
) -> None:
    _, port = served_cdk_like
    head = (
        b"POST /v1/generations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer admin\r\n"
        b"Origin: " + ORIGIN.encode() + b"\r\nContent-Type: application/json\r\n" + framing
    )
    status, headers, body = _raw_exchange(port, head, [])
    assert status == 400
    assert headers["access-control-allow-origin"] == ORIGIN
    assert headers["connection"] == "close"
    assert body["error"]["code"] == "validation_error"
    assert api.events == []


# --- what http.server answered in HTML --------------------------------------------------
@pytest.mark.parametrize("method", [b"TRACE", b"CONNECT", b"BREW"])
def test_a_method_no_resource_takes_is_a_json_405(
    served_cdk_like: tuple[str, int], api: StubApi, method: bytes
) -> None:
    """It was http.server's 501 `text/html` page."""
    _, port = served_cdk_like
    head = method + b" /v1/config HTTP/1.1\r\nHost: x\r\nOrigin: " + ORIGIN.encode() + b"\r\n\r\n"
    status, headers, body = _raw_exchange(port, head, [])
    assert status == 405
    assert headers["content-type"] == "application/json"
    assert headers["allow"] == "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
    assert headers["access-control-allow-origin"] == ORIGIN
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == "method_not_allowed"
    assert api.events == []


def test_a_url_over_64_kb_is_a_json_414(served_cdk_like: tuple[str, int], api: StubApi) -> None:
    """It was http.server's 414 `text/html` page."""
    _, port = served_cdk_like
    head = b"GET /v1/generations/" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    status, headers, body = _raw_exchange(port, head, [])
    assert status == 414
    assert headers["content-type"] == "application/json"
    assert headers["connection"] == "close"
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == "validation_error"  # the CDK app's DEFAULT_4XX
    assert api.events == []


def test_a_header_over_64_kb_is_a_json_431(served_cdk_like: tuple[str, int]) -> None:
    _, port = served_cdk_like
    head = b"GET /v1/config HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n"
    status, headers, body = _raw_exchange(port, head, [])
    assert (status, headers["content-type"]) == (431, "application/json")
    assert body["error"]["code"] == "validation_error"
