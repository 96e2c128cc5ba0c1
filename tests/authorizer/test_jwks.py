"""RS256 / ES256 tokens verified with keys from a JWKS URL served on 127.0.0.1."""

from __future__ import annotations

import time

import jwt
import pytest

from identity_images.adapters.jwks import JwksKeys
from identity_images.logic.auth import (
    AdminAuthenticator,
    AuthUnavailableError,
    Caller,
    JwtIdentity,
    NotAnAdminError,
    UnauthenticatedError,
)
from tests.authorizer.conftest import (
    HS_SECRET,
    JwksServer,
    SigningKey,
    claims,
    hs_token,
    rsa_key,
)


def authenticator(
    server: JwksServer,
    algorithms: frozenset[str] = frozenset({"RS256", "ES256"}),
    cooldown_s: float = 0.0,
) -> AdminAuthenticator:
    jwks = JwksKeys(server.jwks_url, cooldown_s=cooldown_s, timeout_s=2)
    return AdminAuthenticator(JwtIdentity(algorithms=algorithms, jwks=jwks))


def test_rs256_and_es256_admin_tokens_verify(
    jwks_server: JwksServer, rs_key: SigningKey, es_key: SigningKey
) -> None:
    jwks_server.keys = [rs_key.jwk, es_key.jwk]
    auth = authenticator(jwks_server)
    expected = Caller(user_id="42", username="ada", is_staff=True)
    for key in (rs_key, es_key):
        caller = auth.authenticate(f"Bearer {key.token()}")
        assert caller.expires_at is not None
        assert caller.model_copy(update={"expires_at": None}) == expected
    assert len(jwks_server.requests) == 1, "the key set is fetched once and cached"


def test_a_token_signed_by_a_key_not_in_the_set_is_refused(
    jwks_server: JwksServer, rs_key: SigningKey
) -> None:
    jwks_server.keys = [rs_key.jwk]
    impostor = rsa_key("someone-else")
    with pytest.raises(UnauthenticatedError, match="signature"):
        authenticator(jwks_server).authenticate(f"Bearer {impostor.token(kid=rs_key.kid)}")


def test_a_members_token_is_not_an_admin(jwks_server: JwksServer, es_key: SigningKey) -> None:
    jwks_server.keys = [es_key.jwk]
    with pytest.raises(NotAnAdminError):
        authenticator(jwks_server).authenticate(f"Bearer {es_key.token(is_staff=False)}")


def test_an_expired_rs256_token_is_refused(jwks_server: JwksServer, rs_key: SigningKey) -> None:
    jwks_server.keys = [rs_key.jwk]
    expired = rs_key.token(exp=int(time.time()) - 3600)
    with pytest.raises(UnauthenticatedError, match="expired"):
        authenticator(jwks_server).authenticate(f"Bearer {expired}")


def test_a_key_rotation_is_picked_up_and_the_removed_key_stops_working(
    jwks_server: JwksServer, rs_key: SigningKey
) -> None:
    jwks_server.keys = [rs_key.jwk]
    auth = authenticator(jwks_server)
    old_token = rs_key.token()
    assert auth.authenticate(f"Bearer {old_token}").user_id == "42"

    new_key = rsa_key("rsa-2026-02")
    jwks_server.keys = [new_key.jwk]  # the host rotated: old key out, new key in
    assert auth.authenticate(f"Bearer {new_key.token()}").user_id == "42"
    assert len(jwks_server.requests) == 2, "an unknown kid refetches the set once"

    with pytest.raises(UnauthenticatedError, match="signing key"):
        auth.authenticate(f"Bearer {old_token}")
    # The new key still verifies from the cache after the failed lookup.
    assert auth.authenticate(f"Bearer {new_key.token(user_id='43')}").user_id == "43"


def test_unknown_kids_do_not_hammer_the_jwks_url_during_the_cooldown(
    jwks_server: JwksServer, rs_key: SigningKey
) -> None:
    jwks_server.keys = [rs_key.jwk]
    auth = authenticator(jwks_server, cooldown_s=600)
    assert auth.authenticate(f"Bearer {rs_key.token()}").is_staff
    for n in range(5):
        with pytest.raises(UnauthenticatedError, match="signing key"):
            auth.authenticate(f"Bearer {rs_key.token(kid=f'made-up-{n}')}")
    assert len(jwks_server.requests) == 1


def test_a_token_without_kid_is_refused_without_a_fetch(
    jwks_server: JwksServer, rs_key: SigningKey
) -> None:
    jwks_server.keys = [rs_key.jwk]
    with pytest.raises(UnauthenticatedError, match="kid"):
        authenticator(jwks_server).authenticate(f"Bearer {rs_key.token(kid=None)}")
    assert jwks_server.requests == []


def test_a_token_whose_alg_differs_from_its_keys_is_refused(
    jwks_server: JwksServer, rs_key: SigningKey, es_key: SigningKey
) -> None:
    jwks_server.keys = [rs_key.jwk, es_key.jwk]
    # Signed by the EC key but naming the RSA key's kid.
    with pytest.raises(UnauthenticatedError):
        authenticator(jwks_server).authenticate(f"Bearer {es_key.token(kid=rs_key.kid)}")


def test_an_hs256_token_is_refused_when_only_public_keys_are_accepted(
    jwks_server: JwksServer, rs_key: SigningKey
) -> None:
    jwks_server.keys = [rs_key.jwk]
    # Algorithm confusion: an HMAC token naming the RSA key must not reach any key.
    forged = jwt.encode(claims(), HS_SECRET, algorithm="HS256", headers={"kid": rs_key.kid})
    with pytest.raises(UnauthenticatedError, match="HS256"):
        authenticator(jwks_server).authenticate(f"Bearer {forged}")
    assert jwks_server.requests == []


def test_both_families_can_be_accepted_at_once(jwks_server: JwksServer, rs_key: SigningKey) -> None:
    jwks_server.keys = [rs_key.jwk]
    auth = AdminAuthenticator(
        JwtIdentity(
            algorithms=frozenset({"HS256", "RS256"}),
            secret=lambda: HS_SECRET,
            jwks=JwksKeys(jwks_server.jwks_url, cooldown_s=0),
        )
    )
    assert auth.authenticate(f"Bearer {hs_token()}").user_id == "42"
    assert auth.authenticate(f"Bearer {rs_key.token()}").user_id == "42"


@pytest.mark.parametrize("status", [500, 503, 404])
def test_a_jwks_outage_lets_nobody_in(
    jwks_server: JwksServer, rs_key: SigningKey, status: int
) -> None:
    jwks_server.status = status
    with pytest.raises(AuthUnavailableError, match="JWKS"):
        authenticator(jwks_server).authenticate(f"Bearer {rs_key.token()}")


@pytest.mark.parametrize(
    "body",
    [
        b"{}",
        b"[]",
        b'{"keys": []}',
        b'{"error": "temporarily_unavailable"}',
        b"<html>maintenance</html>",
        b'{"keys": [{"kty": "RSA", "use": "enc"}]}',
    ],
)
def test_a_jwks_url_answering_nonsense_lets_nobody_in_without_refusing_the_token(
    jwks_server: JwksServer, rs_key: SigningKey, body: bytes
) -> None:
    # An outage (500), not a 401: a 401 would drop a good session during the glitch.
    jwks_server.body = body
    with pytest.raises(AuthUnavailableError, match="JWKS"):
        authenticator(jwks_server).authenticate(f"Bearer {rs_key.token()}")


def test_nonsense_on_the_refetch_for_a_new_kid_is_an_outage(
    jwks_server: JwksServer, rs_key: SigningKey
) -> None:
    jwks_server.keys = [rs_key.jwk]
    auth = authenticator(jwks_server)
    assert auth.authenticate(f"Bearer {rs_key.token()}").is_staff
    new_key = rsa_key("rsa-2026-02")
    jwks_server.body = b'{"keys": []}'  # the host is rotating and glitches
    with pytest.raises(AuthUnavailableError, match="JWKS"):
        auth.authenticate(f"Bearer {new_key.token()}")
    assert len(jwks_server.requests) == 2


def test_an_unreachable_jwks_url_lets_nobody_in(rs_key: SigningKey) -> None:
    jwks = JwksKeys("http://127.0.0.1:9/jwks.json", timeout_s=1)
    auth = AdminAuthenticator(JwtIdentity(algorithms=frozenset({"RS256"}), jwks=jwks))
    with pytest.raises(AuthUnavailableError, match="JWKS"):
        auth.authenticate(f"Bearer {rs_key.token()}")
