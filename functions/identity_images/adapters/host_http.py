"""One HTTP exchange with the host app, retried the same way for reads and callbacks.

`send_with_retries` retries connection errors, timeouts and the statuses in
`RETRY_STATUSES` with a bounded exponential backoff (`Retry-After` is honoured up to the
cap); any other answer is returned to the caller, which maps it to a `PipelineError`.
The `sleep` is injectable so tests run the whole retry path without waiting.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import httpx

from identity_images.errors import ErrorCode, PipelineError

log = logging.getLogger("identity_images.host")

RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})

Sleep = Callable[[float], None]


@cache
def tls_context() -> ssl.SSLContext:
    """The TLS settings every client of the host app shares: httpx's own default
    (certifi's CA bundle, or `SSL_CERT_FILE` / `SSL_CERT_DIR`), loaded once per process
    instead of once per client, and by Lambda's init (`handlers.init_phase`)."""
    return httpx.create_ssl_context()


@dataclass(frozen=True)
class Backoff:
    """Delay before retry n (1-based): `initial_s * 2**(n-1)`, capped at `max_s`."""

    max_attempts: int = 3
    initial_s: float = 0.2
    max_s: float = 5.0

    def delay(self, retry: int, retry_after: str | None = None) -> float:
        computed = min(self.max_s, self.initial_s * 2.0 ** (retry - 1))
        if retry_after is not None:
            try:
                return min(self.max_s, max(computed, float(retry_after)))
            except ValueError:
                return computed
        return computed


def send_with_retries(
    attempt: Callable[[], httpx.Response],
    *,
    backoff: Backoff,
    sleep: Sleep = time.sleep,
    what: str,
) -> httpx.Response:
    """Call `attempt` until it gives an answer not worth retrying, or attempts run out.

    Returns the last response that is not retryable. Raises `host_unavailable`
    (retryable) when every attempt failed to connect, timed out or got a retryable status.
    """
    last_problem = "no attempt made"
    last_status: int | None = None
    for number in range(1, backoff.max_attempts + 1):
        retry_after: str | None = None
        try:
            response = attempt()
        except httpx.TransportError as exc:
            last_problem = f"{type(exc).__name__}: {exc}"
            last_status = None
        else:
            if response.status_code not in RETRY_STATUSES:
                return response
            last_problem = f"HTTP {response.status_code}"
            last_status = response.status_code
            retry_after = response.headers.get("retry-after")
        if number < backoff.max_attempts:
            sleep(backoff.delay(number, retry_after))
    # What went wrong (socket errors, internal URLs) is for the log, not for API clients.
    log.warning(
        "host app unavailable: %s failed %d times; last: %s",
        what,
        backoff.max_attempts,
        last_problem,
    )
    details: dict[str, object] = {"attempts": backoff.max_attempts}
    if last_status is not None:
        details["status"] = last_status
    raise PipelineError(
        ErrorCode.HOST_UNAVAILABLE,
        f"The host app did not answer after {backoff.max_attempts} attempts; try again later.",
        retryable=True,
        details=details,
    )


def host_error_code(response: httpx.Response, what: str) -> str | None:
    """The host's stable `{"error": {"code"}}`, if it sent one. Logs the host's answer:
    its text (a DEBUG page, a message naming internals) never goes into an API error."""
    log.warning(
        "host app answered %s to %s: %s", response.status_code, what, error_message(response)
    )
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, str) and code.isidentifier() and len(code) <= 64 else None


def error_message(response: httpx.Response) -> str:
    """The host's `{"error": {"message"}}` if it sent one, else a short body excerpt."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])
    return response.text[:200]
