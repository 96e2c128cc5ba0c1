"""Real tokens, real keys, and tiny local HTTP servers standing in for a JWKS URL and for
Django's "me" endpoint. Nothing is mocked at the function level."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from identity_images.adapters import aws, secrets
from identity_images.handlers import authorizer
from identity_images.settings import get_settings

HS_SECRET = "django-insecure-0123456789abcdef0123456789abcdef-test-only"
SETTINGS_ENV = (
    "AUTH_MODE",
    "JWT_ALGORITHMS",
    "JWT_SECRET",
    "JWT_SECRET_ARN",
    "JWKS_URL",
    "JWT_ISSUER",
    "JWT_AUDIENCE",
    "ADMIN_CLAIM",
    "USER_ID_CLAIM",
    "DJANGO_INTROSPECT_URL",
    "DJANGO_TIMEOUT_S",
    "AWS_ENDPOINT_URL",
)


def claims(**overrides: Any) -> dict[str, Any]:
    """A Django admin's claims, valid for five minutes; `None` drops a claim."""
    now = int(time.time())
    base: dict[str, Any] = {
        "user_id": "42",
        "username": "ada",
        "is_staff": True,
        "iat": now,
        "exp": now + 300,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def hs_token(secret: str = HS_SECRET, **overrides: Any) -> str:
    return jwt.encode(claims(**overrides), secret, algorithm="HS256")


@dataclass(frozen=True)
class SigningKey:
    """A private key with its `kid` and the public half as a JWK."""

    kid: str
    algorithm: str
    private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    jwk: dict[str, Any]

    def token(self, kid: str | None = "same", **overrides: Any) -> str:
        headers = {} if kid is None else {"kid": self.kid if kid == "same" else kid}
        return jwt.encode(
            claims(**overrides), self.private_key, algorithm=self.algorithm, headers=headers
        )


def rsa_key(kid: str) -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = dict(RSAAlgorithm.to_jwk(private.public_key(), as_dict=True))
    jwk.update(kid=kid, use="sig", alg="RS256")
    return SigningKey(kid, "RS256", private, jwk)


def ec_key(kid: str) -> SigningKey:
    private = ec.generate_private_key(ec.SECP256R1())
    jwk = dict(ECAlgorithm.to_jwk(private.public_key(), as_dict=True))
    jwk.update(kid=kid, use="sig", alg="ES256")
    return SigningKey(kid, "ES256", private, jwk)


@dataclass
class Reply:
    status: int
    body: bytes


@dataclass
class StubServer:
    """A local HTTP server: answers GET with `reply(path, headers)`, records requests."""

    url: str = ""
    requests: list[dict[str, str]] = field(default_factory=list)
    delay_s: float = 0.0

    def reply(self, path: str, headers: dict[str, str]) -> Reply:
        raise NotImplementedError


S = TypeVar("S", bound=StubServer)


def _serve(stub: S) -> Iterator[S]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            headers = dict(self.headers.items())
            stub.requests.append({"path": self.path, **headers})
            if stub.delay_s:
                time.sleep(stub.delay_s)
            answer = stub.reply(self.path, headers)
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass
class JwksServer(StubServer):
    keys: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    body: bytes | None = None  # answered as it is, instead of `keys`

    @property
    def jwks_url(self) -> str:
        return f"{self.url}/.well-known/jwks.json"

    def reply(self, path: str, headers: dict[str, str]) -> Reply:
        if self.status != 200:
            return Reply(self.status, b'{"error": "down"}')
        if self.body is not None:
            return Reply(200, self.body)
        return Reply(200, json.dumps({"keys": self.keys}).encode())


@dataclass
class DjangoServer(StubServer):
    """Answers `GET /api/v1/users/me/` per Authorization header from `users`."""

    users: dict[str, Reply] = field(default_factory=dict)

    @property
    def me_url(self) -> str:
        return f"{self.url}/api/v1/users/me/"

    def reply(self, path: str, headers: dict[str, str]) -> Reply:
        if path != "/api/v1/users/me/":
            return Reply(404, b'{"detail": "Not found."}')
        answer = self.users.get(headers.get("Authorization", ""))
        return answer or Reply(401, b'{"detail": "Invalid token."}')


@pytest.fixture
def jwks_server() -> Iterator[JwksServer]:
    yield from _serve(JwksServer())


@pytest.fixture
def django_server() -> Iterator[DjangoServer]:
    yield from _serve(DjangoServer())


@pytest.fixture
def rs_key() -> SigningKey:
    return rsa_key("rsa-2026-01")


@pytest.fixture
def es_key() -> SigningKey:
    return ec_key("ec-2026-01")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """No authorizer setting from the outer environment; settings and the cached
    authenticator rebuilt before and after each test."""
    for name in SETTINGS_ENV:
        monkeypatch.delenv(name, raising=False)

    def forget() -> None:
        get_settings.cache_clear()
        authorizer.get_authenticator.cache_clear()
        aws.reset_clients()
        secrets.clear_cache()

    forget()
    yield monkeypatch
    forget()
