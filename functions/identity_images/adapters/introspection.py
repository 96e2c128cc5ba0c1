"""Ask the Django host who the caller is (`GET /api/v1/users/me/`), for hosts that do
not issue JWTs. The caller's `Authorization` header is forwarded as it came."""

from __future__ import annotations

import httpx
from pydantic import BaseModel, ConfigDict, StrictBool, ValidationError

from identity_images.adapters.host_http import tls_context
from identity_images.errors import ErrorCode, PipelineError


class DjangoMe(BaseModel):
    """The part of Django's "me" answer the authorizer reads; other fields are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True, coerce_numbers_to_str=True)

    id: str
    username: str
    is_staff: StrictBool


class DjangoIntrospection:
    """One HTTP client per process (connections are kept between warm invocations)."""

    def __init__(self, url: str, *, timeout_s: float, client: httpx.Client | None = None) -> None:
        self._url = url
        self._client = client or httpx.Client(
            timeout=timeout_s, follow_redirects=False, verify=tls_context()
        )

    def me(self, authorization_header: str) -> DjangoMe:
        """Django's answer for this header.

        Raises `PipelineError` `HOST_REJECTED` when Django says 401/403 (the header does
        not identify anyone), `HOST_UNAVAILABLE` (retryable) when Django cannot be reached,
        times out, fails, or answers something that is not the expected JSON.
        """
        try:
            response = self._client.get(
                self._url,
                headers={"Authorization": authorization_header, "Accept": "application/json"},
            )
        except httpx.HTTPError as exc:
            raise PipelineError(
                ErrorCode.HOST_UNAVAILABLE,
                f"The host did not answer: {type(exc).__name__}.",
                retryable=True,
            ) from exc
        if response.status_code in (401, 403):
            raise PipelineError(ErrorCode.HOST_REJECTED, "The host does not know this caller.")
        if response.status_code != 200:
            raise PipelineError(
                ErrorCode.HOST_UNAVAILABLE,
                f"The host answered {response.status_code}.",
                retryable=response.status_code >= 500,
                details={"status": response.status_code},
            )
        try:
            return DjangoMe.model_validate_json(response.content)
        except ValidationError as exc:
            raise PipelineError(
                ErrorCode.HOST_UNAVAILABLE, "The host's answer is not a user."
            ) from exc
