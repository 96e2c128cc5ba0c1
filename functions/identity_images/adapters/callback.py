"""`ImageCallback`: the signed "set image" callback to the host app.

`POST {DJANGO_INTERNAL_URL}/identities/{identity_id}/image/` with the `ImageAssignment`
as JSON, signed the Standard Webhooks way by the `standardwebhooks` package:

- `webhook-id`: the caller's `delivery_id`, the same on every retry, so the host applies
  one assignment once;
- `webhook-timestamp`: seconds since the epoch, fresh for each attempt;
- `webhook-signature`: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, with the
  `whsec_...` secret.

Connection errors, timeouts and `host_http.RETRY_STATUSES` (408, 425, 429, 500, 502,
503, 504) are retried with exponential backoff, up to `CALLBACK_MAX_ATTEMPTS`. A 2xx
returns; a 404 with the host's `identity_not_found` (the identity was deleted since the
job was made) is a final `identity_not_found`, the code `POST …/apply` answers for it;
any other status is a final `host_rejected`; running out of attempts is
`host_unavailable` (retryable). Either way the image stays in
S3, so the same assignment can be delivered again later.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import quote

import httpx
from standardwebhooks.webhooks import EmptyWebhookSecretError, Webhook

from identity_images.adapters.host_http import (
    Backoff,
    Sleep,
    host_error_code,
    send_with_retries,
    tls_context,
)
from identity_images.adapters.secrets import resolve_secret
from identity_images.domain import ImageAssignment
from identity_images.errors import ErrorCode, PipelineError
from identity_images.settings import Settings

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def signed_headers(
    webhook: Webhook, delivery_id: str, payload: str, now: datetime
) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt."""
    now = now.astimezone(UTC)  # `Webhook.sign` reads the wall time as UTC
    return {
        "webhook-id": delivery_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": webhook.sign(msg_id=delivery_id, timestamp=now, data=payload),
        "content-type": "application/json",
    }


class WebhookCallback:
    """Delivers image assignments to the host app, signed, with retries."""

    def __init__(
        self,
        base_url: str,
        secret: str,
        *,
        timeout_s: float = 10.0,
        backoff: Backoff | None = None,
        sleep: Sleep = time.sleep,
        clock: Clock = _utc_now,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        try:
            self._webhook = Webhook(secret)
        except (ValueError, EmptyWebhookSecretError) as exc:
            raise PipelineError(
                ErrorCode.INTERNAL_ERROR, "The callback secret is not a `whsec_...` secret."
            ) from exc
        self._client = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            timeout=timeout_s,
            verify=tls_context(),
            transport=transport,
        )
        self._backoff = backoff or Backoff(max_attempts=5, initial_s=0.5, max_s=8.0)
        self._sleep = sleep
        self._clock = clock

    @classmethod
    def from_settings(cls, settings: Settings) -> WebhookCallback:
        secret = resolve_secret(settings.webhook_secret, settings.webhook_secret_arn, settings)
        if not secret:
            raise PipelineError(
                ErrorCode.INTERNAL_ERROR,
                "No callback signing secret: set WEBHOOK_SECRET or WEBHOOK_SECRET_ARN.",
            )
        return cls(
            settings.django_internal_url,
            secret,
            timeout_s=settings.django_timeout_s,
            backoff=Backoff(
                max_attempts=settings.callback_max_attempts,
                initial_s=0.5,
                max_s=settings.callback_retry_max_delay_s,
            ),
        )

    def close(self) -> None:
        self._client.close()

    def deliver(self, assignment: ImageAssignment, *, delivery_id: str) -> None:
        if not delivery_id:
            raise PipelineError(ErrorCode.VALIDATION_ERROR, "A delivery id is required.")
        path = f"identities/{quote(assignment.identity_id, safe='')}/image/"
        payload = assignment.model_dump_json()

        def attempt() -> httpx.Response:
            headers = signed_headers(self._webhook, delivery_id, payload, self._clock())
            return self._client.post(path, content=payload.encode(), headers=headers)

        response = send_with_retries(
            attempt, backoff=self._backoff, sleep=self._sleep, what=f"POST {path}"
        )
        if response.is_success:
            return
        host_code = host_error_code(response, f"POST {path}")
        if response.status_code == 409 and host_code == ErrorCode.SUPERSEDED:
            raise PipelineError(
                ErrorCode.SUPERSEDED,
                f"The host holds a newer image decision for identity {assignment.identity_id}.",
                retryable=False,
                details={"delivery_id": delivery_id, "identity_id": assignment.identity_id},
            )
        if response.status_code == 404 and host_code == ErrorCode.IDENTITY_NOT_FOUND:
            # Said as the API says it (`POST …/apply` of a deleted identity is 404
            # `identity_not_found`), not as `host_rejected` with the code in its details.
            raise PipelineError(
                ErrorCode.IDENTITY_NOT_FOUND,
                f"The host app has no identity {assignment.identity_id} any more.",
                retryable=False,
                details={"delivery_id": delivery_id, "identity_id": assignment.identity_id},
            )
        raise PipelineError(
            ErrorCode.HOST_REJECTED,
            f"The host app refused the image for identity {assignment.identity_id} "
            f"(HTTP {response.status_code}).",
            retryable=False,
            details={
                "host_code": host_code,
                "status": response.status_code,
                "delivery_id": delivery_id,
                "identity_id": assignment.identity_id,
                "image_path": assignment.image_path,
            },
        )
