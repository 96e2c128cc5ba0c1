"""Who is calling, and are they an admin? Knows nothing of Lambda or API Gateway.

Two ways to find out, chosen by `AUTH_MODE`:

- `jwt`: verify the Django-issued token with PyJWT. HMAC algorithms (HS256, ...) use the
  shared key (`JWT_SECRET` / `JWT_SECRET_ARN`, read through Powertools Parameters on each
  call, so its cache picks up a rotated secret); RSA/EC algorithms use the key from
  `JWKS_URL` named by the token's `kid`. `exp` is required, `nbf` is honoured, `iss` and
  `aud` are required when `JWT_ISSUER` / `JWT_AUDIENCE` are set. `alg: none` and any
  algorithm not listed in `JWT_ALGORITHMS` are refused before anything else happens.
- `introspect`: forward the caller's `Authorization` header to Django's "me" endpoint.

Either way the answer is a `Caller`, then `AdminAuthenticator` insists on `is_staff`.
Errors: `UnauthenticatedError` (no, malformed, forged, expired token: a 401),
`NotAnAdminError` (a real user who is not staff: a 403), `AuthUnavailableError` (the
JWKS URL or Django is down: neither allow nor a cacheable deny).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

import jwt

from identity_images.adapters.jwks import JwksKeys
from identity_images.domain import Caller as Caller
from identity_images.domain import is_host_id
from identity_images.errors import ErrorCode, PipelineError
from identity_images.settings import AuthSettings

if TYPE_CHECKING:
    from identity_images.adapters.introspection import DjangoIntrospection

HMAC_ALGORITHMS = frozenset({"HS256", "HS384", "HS512"})
PUBLIC_KEY_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
# Seconds of clock difference tolerated between Django and Lambda for exp/nbf/iat.
LEEWAY_S = 10


class UnauthenticatedError(PipelineError):
    """The request does not prove who is calling (401)."""

    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.UNAUTHORIZED, message)


class NotAnAdminError(PipelineError):
    """A known user who is not an admin (403)."""

    def __init__(self, caller: Caller) -> None:
        super().__init__(
            ErrorCode.FORBIDDEN,
            "Only admins may use this API.",
            details={"user_id": caller.user_id},
        )
        self.caller = caller


class AuthUnavailableError(PipelineError):
    """What would tell us who is calling (JWKS URL, Django) is down or misbehaving."""

    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.HOST_UNAVAILABLE, message, retryable=True)


class IdentitySource(Protocol):
    """Turns a non-empty `Authorization` header into a `Caller` (admin or not)."""

    def identify(self, authorization_header: str) -> Caller: ...


def bearer_token(authorization_header: str) -> str:
    """The token of `Bearer <token>` (scheme case-insensitive), else `UnauthenticatedError`."""
    scheme, _, token = authorization_header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        raise UnauthenticatedError("The Authorization header is not 'Bearer <token>'.")
    return token


class JwtIdentity:
    """Verifies Django-issued JWTs."""

    def __init__(
        self,
        *,
        algorithms: frozenset[str],
        secret: Callable[[], str | None] | None = None,
        jwks: JwksKeys | None = None,
        issuer: str | None = None,
        audience: str | None = None,
        user_id_claim: str = "user_id",
        admin_claim: str = "is_staff",
    ) -> None:
        unknown = algorithms - HMAC_ALGORITHMS - PUBLIC_KEY_ALGORITHMS
        if unknown or not algorithms:
            raise ValueError(f"JWT_ALGORITHMS holds no or unsupported algorithms: {unknown}")
        self._hmac = algorithms & HMAC_ALGORITHMS
        self._public = algorithms & PUBLIC_KEY_ALGORITHMS
        if self._hmac and secret is None:
            raise ValueError("An HMAC algorithm is accepted but no JWT secret is configured.")
        if self._public and jwks is None:
            raise ValueError("An RSA/EC algorithm is accepted but no JWKS URL is configured.")
        self._secret = secret
        self._jwks = jwks
        self._issuer = issuer
        self._audience = audience
        self._user_id_claim = user_id_claim
        self._admin_claim = admin_claim

    def identify(self, authorization_header: str) -> Caller:
        token = bearer_token(authorization_header)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise UnauthenticatedError("The token is not a JWT.") from exc
        alg = header.get("alg")
        key, algorithms = self._key_for(alg, header.get("kid"))
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                issuer=self._issuer,
                audience=self._audience,
                leeway=LEEWAY_S,
                options={"require": ["exp"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise UnauthenticatedError("The token has expired.") from exc
        except jwt.ImmatureSignatureError as exc:
            raise UnauthenticatedError("The token is not valid yet.") from exc
        except jwt.InvalidAudienceError as exc:
            raise UnauthenticatedError("The token is for another audience.") from exc
        except jwt.InvalidIssuerError as exc:
            raise UnauthenticatedError("The token is from another issuer.") from exc
        except jwt.InvalidSignatureError as exc:
            raise UnauthenticatedError("The token's signature is wrong.") from exc
        except jwt.InvalidTokenError as exc:
            raise UnauthenticatedError(f"The token is invalid: {exc}") from exc
        return self._caller(claims)

    def _key_for(self, alg: object, kid: object) -> tuple[str | jwt.PyJWK, list[str]]:
        if isinstance(alg, str) and alg in self._hmac:
            assert self._secret is not None  # checked in __init__
            secret = self._secret()
            if not secret:
                raise AuthUnavailableError("The JWT secret is empty.")
            return secret, sorted(self._hmac)
        if isinstance(alg, str) and alg in self._public:
            assert self._jwks is not None  # checked in __init__
            if not isinstance(kid, str) or not kid:
                raise UnauthenticatedError("The token names no signing key (kid).")
            try:
                return self._jwks.signing_key(kid), sorted(self._public)
            except PipelineError as exc:
                if exc.code is ErrorCode.UNAUTHORIZED:
                    raise UnauthenticatedError(exc.message) from exc
                raise AuthUnavailableError(exc.message) from exc
        raise UnauthenticatedError(f"The token's algorithm {alg!r} is not accepted.")

    def _caller(self, claims: Mapping[str, Any]) -> Caller:
        user_id = claims.get(self._user_id_claim)
        if user_id is None:
            user_id = claims.get("sub")
        if isinstance(user_id, bool) or not isinstance(user_id, str | int) or user_id == "":
            raise UnauthenticatedError("The token names no user.")
        username = claims.get("username")
        # Required, and read as `int(exp)` by PyJWT, which so takes "1700000000" too: read the
        # same way here, or such a token's expiry would not be checked again (`access`).
        expires = int(claims["exp"])
        return Caller(
            user_id=str(user_id),
            username=username if isinstance(username, str) and username else str(user_id),
            # Only a JSON `true` makes an admin: not "true", not 1.
            is_staff=claims.get(self._admin_claim) is True,
            expires_at=expires,
        )


class IntrospectionIdentity:
    """Asks Django. Any non-empty header is forwarded (a host may use `Token <key>`)."""

    def __init__(self, introspection: DjangoIntrospection) -> None:
        self._introspection = introspection

    def identify(self, authorization_header: str) -> Caller:
        try:
            me = self._introspection.me(authorization_header)
        except PipelineError as exc:
            if exc.code is ErrorCode.HOST_REJECTED:
                raise UnauthenticatedError("The host does not know this caller.") from exc
            raise AuthUnavailableError(exc.message) from exc
        return Caller(user_id=me.id, username=me.username, is_staff=me.is_staff)


class AdminAuthenticator:
    """Lets admins through. Build once per process (`from_settings`); reuse it."""

    def __init__(self, source: IdentitySource) -> None:
        self._source = source

    def authenticate(self, authorization_header: str | None) -> Caller:
        """The admin calling, or `UnauthenticatedError` / `NotAnAdminError` /
        `AuthUnavailableError`."""
        if authorization_header is None or not authorization_header.strip():
            raise UnauthenticatedError("No Authorization header.")
        caller = self._source.identify(authorization_header)
        _require_host_id(caller)
        if not caller.is_staff:
            raise NotAnAdminError(caller)
        return caller

    @classmethod
    def from_settings(cls, settings: AuthSettings) -> AdminAuthenticator:
        """The authenticator `AUTH_MODE` asks for. Raises `ValueError` on a configuration
        that could never let anyone in (no key for an accepted algorithm)."""
        # Adapters a mode does not use are not imported: httpx and boto3 cost cold start.
        if settings.auth_mode == "introspect":
            from identity_images.adapters.introspection import DjangoIntrospection

            return cls(
                IntrospectionIdentity(
                    DjangoIntrospection(
                        settings.django_introspect_url, timeout_s=settings.django_timeout_s
                    )
                )
            )
        algorithms = frozenset(a.strip() for a in settings.jwt_algorithms.split(",") if a.strip())
        return cls(
            JwtIdentity(
                algorithms=algorithms,
                secret=_secret_reader(settings),
                jwks=JwksKeys(settings.jwks_url) if settings.jwks_url else None,
                issuer=settings.jwt_issuer,
                audience=settings.jwt_audience,
                user_id_claim=settings.user_id_claim,
                admin_claim=settings.admin_claim,
            )
        )


def _require_host_id(caller: Caller) -> None:
    """`UnauthenticatedError` (401) for a caller whose id is no id of the host's (a token
    of another issuer's shape, `auth0|42`): the API takes the caller's id to the host and
    into keys as one path segment, so it would pass here and then answer 422 to every
    request. Such a token names no host user."""
    if not is_host_id(caller.user_id):
        raise UnauthenticatedError(
            "The token's user id is not one of the host's ids "
            "(letters, digits, '-' and '_', at most 128)."
        )


def _secret_reader(settings: AuthSettings) -> Callable[[], str | None] | None:
    """How to read the HMAC key on each call: from Secrets Manager (cached by Powertools;
    the client built now) when `JWT_SECRET_ARN` is set, else the plain `JWT_SECRET`; None
    when neither is."""
    arn, plain = settings.jwt_secret_arn, settings.jwt_secret
    if arn:
        from identity_images.adapters.secrets import secret_reader

        return secret_reader(None, arn, settings)
    if plain is not None:
        return plain.get_secret_value
    return None
