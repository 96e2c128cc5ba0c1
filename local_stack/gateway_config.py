"""What the local API Gateway is configured with: its CORS answers, its customised
gateway responses (the pipeline's error shape), the stage's throttling, and API Gateway's
own answers and messages, which the gateway (`local_stack.api_gateway`) gives as AWS does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
DEFAULT_ALLOW_HEADERS = (
    "Content-Type",
    "X-Amz-Date",
    "Authorization",
    "X-Api-Key",
    "X-Amz-Security-Token",
    "X-Amz-User-Agent",
    "Idempotency-Key",
)


class ResponseType(StrEnum):
    """API Gateway's own answers (gateway responses), with their default status."""

    UNAUTHORIZED = "UNAUTHORIZED"
    ACCESS_DENIED = "ACCESS_DENIED"
    MISSING_AUTHENTICATION_TOKEN = "MISSING_AUTHENTICATION_TOKEN"  # noqa: S105
    REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
    BAD_REQUEST_BODY = "BAD_REQUEST_BODY"
    AUTHORIZER_CONFIGURATION_ERROR = "AUTHORIZER_CONFIGURATION_ERROR"
    INTEGRATION_FAILURE = "INTEGRATION_FAILURE"
    INTEGRATION_TIMEOUT = "INTEGRATION_TIMEOUT"
    THROTTLED = "THROTTLED"

    @property
    def status(self) -> int:
        return _DEFAULT_STATUS[self]

    @property
    def family(self) -> str:
        """The `DEFAULT_4XX`/`DEFAULT_5XX` a customisation of it may fall back to."""
        return "DEFAULT_4XX" if self.status < 500 else "DEFAULT_5XX"


_DEFAULT_STATUS = {
    ResponseType.UNAUTHORIZED: 401,
    ResponseType.ACCESS_DENIED: 403,
    ResponseType.MISSING_AUTHENTICATION_TOKEN: 403,
    ResponseType.REQUEST_TOO_LARGE: 413,
    ResponseType.BAD_REQUEST_BODY: 400,
    ResponseType.THROTTLED: 429,
    ResponseType.AUTHORIZER_CONFIGURATION_ERROR: 500,
    ResponseType.INTEGRATION_FAILURE: 502,
    ResponseType.INTEGRATION_TIMEOUT: 504,
}

UNAUTHORIZED = "Unauthorized"
EXPLICIT_DENY = "User is not authorized to access this resource with an explicit deny"
IMPLICIT_DENY = "User is not authorized to access this resource"
MISSING_TOKEN = "Missing Authentication Token"  # noqa: S105 - API Gateway's message


@dataclass(frozen=True)
class CorsConfig:
    """The gateway's own CORS answers (preflight and gateway responses)."""

    allow_origins: tuple[str, ...] = ("http://localhost:5173",)
    allow_headers: tuple[str, ...] = DEFAULT_ALLOW_HEADERS
    allow_methods: tuple[str, ...] = ("OPTIONS", "GET", "PUT", "POST", "DELETE", "PATCH", "HEAD")
    max_age_s: int = 600

    def origin_for(self, origin: str | None) -> str:
        """The request's origin when allowed, else the first one (as CDK's VTL does)."""
        if "*" in self.allow_origins:
            return "*"
        if origin and origin in self.allow_origins:
            return origin
        return self.allow_origins[0] if self.allow_origins else ""

    def gateway_origin(self, origin: str | None) -> str:
        """On gateway responses (the CDK app's): the one origin, or the caller's echoed."""
        if len(self.allow_origins) == 1:
            return self.allow_origins[0]
        return origin or ""


@dataclass(frozen=True)
class CustomResponse:
    """A customised gateway response: the pipeline's error shape, maybe another status.

    Mirrors `add_gateway_response(..., templates={"application/json": ...})` of the CDK
    app: `{"error": {"code": code, "message": $context.error.messageString, "details": {}}}`.
    """

    code: str
    status: int | None = None


@dataclass
class GatewayConfig:
    stage: str = "prod"
    api_id: str = "localapi"
    region: str = "us-east-1"
    authorizer_ttl_s: float = 300.0
    integration_timeout_s: float = 29.0
    cors: CorsConfig = field(default_factory=CorsConfig)
    #: By response type name, or `DEFAULT_4XX`/`DEFAULT_5XX`; empty: API Gateway's own
    #: `{"message": ...}` bodies.
    gateway_responses: Mapping[str, CustomResponse] = field(default_factory=dict)
    #: The stage's throttling (requests per second, burst); None: not throttled.
    throttling_rate_limit: float | None = None
    throttling_burst_limit: int | None = None


class TokenBucket:
    """API Gateway's stage throttling: `burst` requests at once, refilled at `rate`/s."""

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate, self.burst, self._clock = rate, burst, clock
        self._tokens = float(burst)
        self._at = clock()
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
            self._at = now
            if self._tokens < 1:
                return False
            self._tokens -= 1
            return True
