"""`HostDirectory` over HTTP: the host app's internal read endpoints.

The endpoints are served by the reusable Django app `identity_images_django`, mounted by
the host under `DJANGO_INTERNAL_URL`. Every read carries `Authorization: Bearer <service
token>`, the token read for each request (from Secrets Manager through its cache, so a
rotated token reaches a warm Lambda within minutes; building the adapter calls nothing,
so Lambda's init can). Connection errors, timeouts and `host_http.RETRY_STATUSES` are
retried with a small backoff; a 404 with the app's `user_not_found` / `identity_not_found`
code becomes that error; any other 4xx, a bare 404 too (a wrong URL or mount point), is
`host_rejected`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from identity_images.adapters.host_http import (
    Backoff,
    Sleep,
    host_error_code,
    send_with_retries,
    tls_context,
)
from identity_images.adapters.secrets import secret_reader
from identity_images.domain import HostIdentity, HostUser, is_host_id
from identity_images.errors import ErrorCode, PipelineError
from identity_images.settings import Settings

log = logging.getLogger("identity_images.host")

T = TypeVar("T", bound=BaseModel)
Item = TypeVar("Item", HostUser, HostIdentity)


class _Results(BaseModel, Generic[Item]):
    results: list[Item]


def _segment(value: str) -> str:
    """One path segment of the host's own id alphabet, so an id can never walk to another
    endpoint (Django decodes `%2F` before it routes)."""
    if not is_host_id(value):
        raise PipelineError(
            ErrorCode.VALIDATION_ERROR,
            "Not a valid id: letters, digits, '-' and '_' only (at most 128).",
        )
    return quote(value, safe="")


@dataclass(frozen=True)
class _NotFound:
    """What a 404 means for one read: its code and the id asked for."""

    code: ErrorCode
    value: str

    @property
    def field(self) -> str:
        return {
            ErrorCode.USER_NOT_FOUND: "user_id",
            ErrorCode.IDENTITY_NOT_FOUND: "identity_id",
        }.get(self.code, "id")


def _not_found(what: _NotFound, *, host_code: str | None = None) -> PipelineError:
    """The id the caller asked for, never the host's internal path or answer (only its
    stable error code, when it sent one)."""
    noun = what.field.removesuffix("_id")
    details: dict[str, object] = {what.field: what.value}
    if host_code is not None:
        details["host_code"] = host_code
    return PipelineError(what.code, f"No {noun} {what.value!r} in the host app.", details=details)


def _refusal(response: httpx.Response, what: str, not_found: _NotFound) -> PipelineError:
    """A read's non-200 answer as an error. A 404 is a missing user or identity only when
    the app says so (`{"error": {"code": "identity_not_found"}}`): a bare 404 comes from a
    wrong `DJANGO_INTERNAL_URL` or mount point, and taken for a missing identity it would
    hide the misconfiguration behind an answer that looks final and correct. The host's
    own words stay in the log (`host_error_code`): a DEBUG page or a message naming its
    internals must not reach an API client."""
    host_code = host_error_code(response, what)
    status = response.status_code
    if status == 404 and host_code == not_found.code.value:
        return _not_found(not_found, host_code=host_code)
    message = (
        "The host app has no such endpoint (is DJANGO_INTERNAL_URL its mount point?)."
        if status == 404
        else "The host app refused the request."
    )
    return PipelineError(
        ErrorCode.HOST_REJECTED, message, details={"status": status, "host_code": host_code}
    )


Named = TypeVar("Named", HostUser, HostIdentity)


def _canonical(item: Named, asked: str, code: ErrorCode) -> Named:
    """Ids have one spelling: a host that answers another spelling (`0021` for `21`, an
    upper-case UUID) with its canonical id has not found what was asked for."""
    if item.id != asked:
        raise _not_found(_NotFound(code, asked))
    return item


class ServiceToken(httpx.Auth):
    """`Authorization: Bearer <token>`, the token read for each request."""

    def __init__(self, read: Callable[[], str | None]) -> None:
        self._read = read

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._read()
        if not token:
            raise PipelineError(ErrorCode.INTERNAL_ERROR, "The host app's service token is empty.")
        request.headers["Authorization"] = f"Bearer {token}"
        yield request


class DjangoHost:
    """Reads users and identities from the host app."""

    def __init__(
        self,
        base_url: str,
        service_token: Callable[[], str | None],
        *,
        timeout_s: float = 10.0,
        backoff: Backoff | None = None,
        sleep: Sleep = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._client = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            timeout=timeout_s,
            headers={"Accept": "application/json"},
            auth=ServiceToken(service_token),
            verify=tls_context(),
            transport=transport,
        )
        self._backoff = backoff or Backoff()
        self._sleep = sleep

    @classmethod
    def from_settings(cls, settings: Settings) -> DjangoHost:
        token = secret_reader(
            settings.django_service_token, settings.django_service_token_secret_arn, settings
        )
        if token is None:
            raise PipelineError(
                ErrorCode.INTERNAL_ERROR,
                "No service token for the host app: set DJANGO_SERVICE_TOKEN or "
                "DJANGO_SERVICE_TOKEN_SECRET_ARN.",
            )
        return cls(
            settings.django_internal_url,
            token,
            timeout_s=settings.django_timeout_s,
            backoff=Backoff(
                max_attempts=settings.django_read_attempts,
                max_s=settings.django_retry_max_delay_s,
            ),
        )

    def close(self) -> None:
        self._client.close()

    # --- HostDirectory ----------------------------------------------------------------

    def get_user(self, user_id: str) -> HostUser:
        user = self._get(
            f"users/{_segment(user_id)}/", HostUser, _NotFound(ErrorCode.USER_NOT_FOUND, user_id)
        )
        return _canonical(user, user_id, ErrorCode.USER_NOT_FOUND)

    def list_test_users(self) -> list[HostUser]:
        page = self._get("test-users/", _Results[HostUser], _NotFound(ErrorCode.NOT_FOUND, ""))
        return page.results

    def list_identities(self, user_id: str) -> list[HostIdentity]:
        path = f"users/{_segment(user_id)}/identities/"
        not_found = _NotFound(ErrorCode.USER_NOT_FOUND, user_id)
        identities = self._get(path, _Results[HostIdentity], not_found).results
        if any(identity.user_id != user_id for identity in identities):
            raise _not_found(not_found)
        return identities

    def get_identity(self, identity_id: str) -> HostIdentity:
        path = f"identities/{_segment(identity_id)}/"
        identity = self._get(
            path, HostIdentity, _NotFound(ErrorCode.IDENTITY_NOT_FOUND, identity_id)
        )
        return _canonical(identity, identity_id, ErrorCode.IDENTITY_NOT_FOUND)

    # --- one read ---------------------------------------------------------------------

    def _get(self, path: str, model: type[T], not_found: _NotFound) -> T:
        response = send_with_retries(
            lambda: self._client.get(path),
            backoff=self._backoff,
            sleep=self._sleep,
            what=f"GET {path}",
        )
        if response.status_code != 200:
            raise _refusal(response, f"GET {path}", not_found)
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            log.warning("host app's answer to GET %s is off the contract: %s", path, exc)
            raise PipelineError(
                ErrorCode.HOST_REJECTED,
                "The host app's answer is not what the contract says.",
                details={"status": 200},
            ) from exc
