"""Standard Webhooks verification of the image callback, by the `standardwebhooks` package.

The library checks `webhook-id`, `webhook-timestamp` and `webhook-signature` against the
exact body bytes, in constant time, for one secret, and refuses a timestamp more than
`LIBRARY_TOLERANCE_S` from now, so a captured request cannot be replayed later (within
the window, the `webhook-id` is). Here: each configured secret in turn (a sender
rotating secrets), the host's `WEBHOOK_TOLERANCE_S`, which can only narrow the library's
window, and one error for every way a request can fail.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping

from standardwebhooks.webhooks import EmptyWebhookSecretError, Webhook, WebhookVerificationError

#: The library's fixed window (`timedelta(minutes=5)` in `Webhook.verify`).
LIBRARY_TOLERANCE_S = 300


class SignatureError(Exception):
    """The request is not a valid, fresh, signed webhook."""


def verify(
    body: bytes, headers: Mapping[str, str], *, secrets: Iterable[str], tolerance_s: int
) -> str:
    """The request's `webhook-id` once its signature is valid for one of `secrets` and its
    timestamp is within `tolerance_s` of now; else `SignatureError`. `headers` are
    lower-case."""
    refusal = "No webhook secret is configured."
    for secret in secrets:
        try:
            Webhook(secret).verify(body, dict(headers), json_parse=False)
        except WebhookVerificationError as exc:  # missing, stale or unsigned by this secret
            refusal = str(exc)
            continue
        except (ValueError, EmptyWebhookSecretError) as exc:
            # A body that is no UTF-8, a signature entry without its comma or not base64,
            # a secret that is not: the library raises these as they come.
            # Said in the words of this endpoint, not the parser's ("'utf-8' codec can't…").
            raise SignatureError(
                "Malformed webhook: a body that is not UTF-8, or a signature header or secret "
                "that is not well formed."
            ) from exc
        if abs(time.time() - float(headers["webhook-timestamp"])) > tolerance_s:
            raise SignatureError("webhook-timestamp is outside the accepted window.")
        return headers["webhook-id"]
    raise SignatureError(refusal)
