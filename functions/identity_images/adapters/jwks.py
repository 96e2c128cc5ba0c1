"""Public signing keys from a JWKS URL, through PyJWT's `PyJWKClient`.

The client keeps the whole key set for `lifespan_s` (one HTTP call per warm Lambda per
lifespan). A token whose `kid` is not in the cached set makes it fetch the set again,
at most once per `cooldown_s`, so a rotation (new key published, old key removed) is
picked up at once while a flood of made-up `kid`s cannot hammer the JWKS endpoint.

PyJWT's per-`kid` cache (`cache_keys=True`) is left off on purpose: it never expires, so
a key removed from the set (a leaked key, rotated out) would keep verifying tokens for
the life of the Lambda. The set cache alone forgets it at the next fetch.
"""

from __future__ import annotations

import jwt

from identity_images.errors import ErrorCode, PipelineError

DEFAULT_LIFESPAN_S = 300.0
DEFAULT_COOLDOWN_S = 30.0
DEFAULT_TIMEOUT_S = 5.0


class _KeySetClient(jwt.PyJWKClient):
    """PyJWT's client, but a key set it cannot fetch or read is an outage.

    PyJWT raises `PyJWKClientError` both for an endpoint answering nonsense (`[]`, `{}`,
    `{"keys": []}`, an error body) and for a `kid` that is in no key of a good set. The
    first must be a 500 (a 401 would drop good sessions during an identity provider's
    glitch), so it is told apart here, where every fetch of `get_signing_key` passes
    (the first look-up and the refetch for an unknown `kid`)."""

    def get_signing_keys(self, refresh: bool = False) -> list[jwt.PyJWK]:
        try:
            return super().get_signing_keys(refresh)
        except jwt.PyJWKClientConnectionError as exc:
            raise PipelineError(
                ErrorCode.HOST_UNAVAILABLE, "The JWKS URL cannot be reached.", retryable=True
            ) from exc
        except (jwt.PyJWTError, ValueError) as exc:  # ValueError: the body was not JSON
            raise PipelineError(
                ErrorCode.HOST_UNAVAILABLE,
                f"The JWKS URL did not answer a set of signing keys: {exc}",
                retryable=True,
            ) from exc


class JwksKeys:
    """Signing keys by `kid`; one instance per process (it holds the cache)."""

    def __init__(
        self,
        url: str,
        *,
        lifespan_s: float = DEFAULT_LIFESPAN_S,
        cooldown_s: float = DEFAULT_COOLDOWN_S,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self._client = _KeySetClient(
            url,
            cache_keys=False,
            cache_jwk_set=True,
            lifespan=lifespan_s,
            cooldown_duration=cooldown_s,
            timeout=timeout_s,
        )

    def signing_key(self, kid: str) -> jwt.PyJWK:
        """The key with this `kid`.

        Raises `PipelineError` `HOST_UNAVAILABLE` (retryable) when the key set cannot be
        fetched or read, and `UNAUTHORIZED` when the set, read fine, has no such key.
        """
        try:
            return self._client.get_signing_key(kid)
        except jwt.PyJWKClientError as exc:  # every set was read: no key has this kid
            raise PipelineError(
                ErrorCode.UNAUTHORIZED, "No signing key matches the token's key id."
            ) from exc
