"""Standard Webhooks verification: `webhook-id`, `webhook-timestamp`, `webhook-signature`.

The signature is `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` keyed with the
base64 secret after `whsec_`; the header may carry several space-separated signatures
(a sender rotating secrets). Any Standard Webhooks library produces signatures this
accepts. Comparison is constant-time; a timestamp outside the tolerance is refused, so a
captured request cannot be replayed later (within the window, the `webhook-id` is).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SECRET_PREFIX = "whsec_"  # noqa: S105  (a prefix, not a secret)
#: Seconds since the epoch fit in 12 digits until the year 33658; a longer value is no
#: timestamp (and 400 digits would overflow the float comparison).
TIMESTAMP_MAX_DIGITS = 12


class SignatureError(Exception):
    """The request is not a valid, fresh, signed webhook."""


@dataclass(frozen=True)
class VerifiedWebhook:
    webhook_id: str
    timestamp: int


def secret_key(secret: str) -> bytes:
    """The HMAC key of a `whsec_<base64>` secret."""
    try:
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX) + "==")
    except (binascii.Error, ValueError) as exc:
        raise SignatureError("The webhook secret is not base64.") from exc


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<signature>`; the sender's side, used by tests and tools."""
    digest = hmac.new(
        secret_key(secret), f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256
    ).digest()
    return "v1," + base64.b64encode(digest).decode()


def _signatures(header: str) -> Iterable[bytes]:
    for entry in header.split():
        version, _, value = entry.partition(",")
        if version != "v1":
            continue
        try:
            yield base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            continue


def verify(
    body: bytes,
    headers: Mapping[str, str],
    *,
    secrets: Iterable[str],
    tolerance_s: int,
    now: float | None = None,
) -> VerifiedWebhook:
    """Check the headers against the exact body bytes; raise `SignatureError` if not valid."""
    webhook_id = headers.get("webhook-id", "")
    timestamp_header = headers.get("webhook-timestamp", "")
    signature_header = headers.get("webhook-signature", "")
    if not (webhook_id and timestamp_header and signature_header):
        raise SignatureError("Missing webhook-id, webhook-timestamp or webhook-signature.")
    if (
        not timestamp_header.isascii()
        or not timestamp_header.isdigit()
        or len(timestamp_header) > TIMESTAMP_MAX_DIGITS
    ):
        raise SignatureError("webhook-timestamp must be whole seconds since the epoch.")
    timestamp = int(timestamp_header)
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_s:
        raise SignatureError("webhook-timestamp is outside the accepted window.")
    signed = f"{webhook_id}.{timestamp_header}.".encode() + body
    expected = [hmac.new(secret_key(s), signed, hashlib.sha256).digest() for s in secrets]
    for candidate in _signatures(signature_header):
        # compare with every key, no early exit on the key, to keep timing flat
        if any([hmac.compare_digest(candidate, key) for key in expected]):  # noqa: C419
            return VerifiedWebhook(webhook_id=webhook_id, timestamp=timestamp)
    raise SignatureError("No valid signature.")
