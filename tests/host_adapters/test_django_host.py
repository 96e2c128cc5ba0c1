"""`DjangoHost` against the example host, served for real (and through a fault proxy)."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest
from pydantic import SecretStr

from identity_images.adapters.django_host import DjangoHost
from identity_images.adapters.host_http import Backoff
from identity_images.adapters.introspection import DjangoIntrospection
from identity_images.domain import HostIdentity
from identity_images.errors import ErrorCode, PipelineError
from identity_images.settings import Settings
from tests.host_adapters import SERVICE_TOKEN
from tests.host_adapters.servers import INTERNAL, DjangoServer, FaultProxy, free_port

pytestmark = pytest.mark.e2e  # the example host runs in a subprocess

FAST = Backoff(max_attempts=3, initial_s=0.1, max_s=1.0)


def host(
    base_url: str,
    sleeps: list[float] | None = None,
    *,
    timeout_s: float = 10.0,
    transport: httpx.BaseTransport | None = None,
) -> DjangoHost:
    recorded = sleeps if sleeps is not None else []
    return DjangoHost(
        base_url,
        lambda: SERVICE_TOKEN,
        timeout_s=timeout_s,
        backoff=FAST,
        sleep=recorded.append,
        transport=transport,
    )


def test_reads_the_seeded_users_and_identities(django_server: DjangoServer) -> None:
    client = host(django_server.internal_url)
    test_users = client.list_test_users()
    assert [u.username for u in test_users] == ["test-alice", "test-bob"]
    assert all(u.is_test_user and not u.is_staff for u in test_users)

    alice = client.get_user(test_users[0].id)
    assert alice == test_users[0]
    identities = client.list_identities(alice.id)
    assert [i.name for i in identities] == ["Alice the chef", "Alice the explorer"]
    assert all(i.user_id == alice.id for i in identities)
    again = client.get_identity(identities[0].id)
    # Another test may have given this identity an image by then: its presigned URL is
    # signed for the moment of each read, so two reads a second apart differ in Expires
    # and signature. Everything else must be the same.
    assert unsigned(again) == unsigned(identities[0])


def unsigned(identity: HostIdentity) -> HostIdentity:
    """The identity with its image URL's query (the time-bound signature) taken off."""
    if identity.image_url is None:
        return identity
    bare = urlsplit(identity.image_url)._replace(query="").geturl()
    return identity.model_copy(update={"image_url": bare})


def test_from_settings_reads_url_token_and_timeout(django_server: DjangoServer) -> None:
    settings = Settings(
        django_internal_url=django_server.internal_url + "/",
        django_service_token=SecretStr(SERVICE_TOKEN),
    )
    assert len(DjangoHost.from_settings(settings).list_test_users()) == 2


def test_from_settings_without_a_token_says_so() -> None:
    with pytest.raises(PipelineError) as caught:
        DjangoHost.from_settings(Settings(django_service_token=None))
    assert "DJANGO_SERVICE_TOKEN" in caught.value.message


def test_the_token_is_read_for_each_request(django_server: DjangoServer) -> None:
    """A token rotated in Secrets Manager reaches a warm adapter: the next read sends it."""
    tokens = iter(["wrong-token", SERVICE_TOKEN])
    client = DjangoHost(django_server.internal_url, lambda: next(tokens), backoff=FAST)
    with pytest.raises(PipelineError) as caught:
        client.list_test_users()
    assert caught.value.details["status"] == 401
    assert len(client.list_test_users()) == 2


def test_an_empty_token_is_refused_before_anything_is_sent() -> None:
    # Nothing listens there: a request sent would be host_unavailable, not this.
    client = DjangoHost(f"http://127.0.0.1:{free_port()}/", lambda: "", backoff=FAST)
    with pytest.raises(PipelineError) as caught:
        client.list_test_users()
    assert caught.value.code is ErrorCode.INTERNAL_ERROR
    assert "service token is empty" in caught.value.message


def test_from_settings_with_a_secret_arn_calls_nothing() -> None:
    """Built at a Lambda's init: the token is fetched by the first read, not here."""
    settings = Settings(
        django_service_token_secret_arn="arn:aws:secretsmanager:us-east-1:1:secret:t",
        aws_endpoint_url=f"http://127.0.0.1:{free_port()}",  # nothing listens
    )
    DjangoHost.from_settings(settings)


def test_a_404_is_user_or_identity_not_found(django_server: DjangoServer) -> None:
    client = host(django_server.internal_url)
    with pytest.raises(PipelineError) as caught:
        client.get_user("424242")
    assert caught.value.code is ErrorCode.USER_NOT_FOUND
    with pytest.raises(PipelineError) as caught:
        client.list_identities("not-a-user")
    assert caught.value.code is ErrorCode.USER_NOT_FOUND
    with pytest.raises(PipelineError) as caught:
        client.get_identity("00000000-0000-4000-8000-000000000000")
    assert caught.value.code is ErrorCode.IDENTITY_NOT_FOUND
    assert not caught.value.retryable


def test_an_id_cannot_reach_another_endpoint(django_server: DjangoServer) -> None:
    client = host(django_server.internal_url)
    # Django decodes %2F before routing, so escaping is not enough: such ids never leave.
    for bad in ("../test-users", "3/identities", "..", "1%2F2", "a.b", "x" * 129, ""):
        for read in (client.get_user, client.get_identity, client.list_identities):
            with pytest.raises(PipelineError) as caught:
                read(bad)
            assert caught.value.code is ErrorCode.VALIDATION_ERROR, bad


def test_a_wrong_service_token_is_host_rejected(django_server: DjangoServer) -> None:
    client = DjangoHost(django_server.internal_url, lambda: "wrong-token", backoff=FAST)
    with pytest.raises(PipelineError) as caught:
        client.list_test_users()
    assert caught.value.code is ErrorCode.HOST_REJECTED
    assert caught.value.details["status"] == 401
    assert not caught.value.retryable


def test_5xx_is_retried_then_succeeds(proxy: FaultProxy) -> None:
    proxy.script = [503, 502]
    sleeps: list[float] = []
    users = host(proxy.url + INTERNAL, sleeps).list_test_users()
    assert len(users) == 2
    assert len(proxy.seen) == 3
    assert sleeps == [0.1, 0.2]  # exponential
    assert all(s.headers["authorization"] == f"Bearer {SERVICE_TOKEN}" for s in proxy.seen)


def test_retry_after_is_honoured_up_to_the_cap(proxy: FaultProxy) -> None:
    proxy.script = [429]
    sleeps: list[float] = []

    class RetryAfter(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if proxy.script:
                proxy.script.pop(0)
                return httpx.Response(429, headers={"retry-after": "120"})
            return httpx.HTTPTransport().handle_request(request)

    host(proxy.url + INTERNAL, sleeps, transport=RetryAfter()).list_test_users()
    assert sleeps == [1.0]  # asked for 120 s, capped at max_s


def test_exhausted_retries_are_host_unavailable(proxy: FaultProxy) -> None:
    proxy.script = [500, 500, 500, 500]
    sleeps: list[float] = []
    with pytest.raises(PipelineError) as caught:
        host(proxy.url + INTERNAL, sleeps).list_test_users()
    assert caught.value.code is ErrorCode.HOST_UNAVAILABLE
    assert caught.value.retryable
    assert caught.value.details["attempts"] == 3
    assert caught.value.details["status"] == 500
    assert len(proxy.seen) == 3
    assert len(sleeps) == 2


def test_nobody_listening_is_host_unavailable() -> None:
    sleeps: list[float] = []
    with pytest.raises(PipelineError) as caught:
        host(f"http://127.0.0.1:{free_port()}{INTERNAL}", sleeps).get_user("1")
    assert caught.value.code is ErrorCode.HOST_UNAVAILABLE
    # The socket error and the internal URL are logged, never put in the error.
    said = f"{caught.value.message} {caught.value.details}"
    assert "Errno" not in said
    assert "ConnectError" not in said
    assert "127.0.0.1" not in said
    assert "users/1" not in said
    assert len(sleeps) == 2


def test_the_hosts_own_words_never_reach_the_error() -> None:
    debug_page = b"<html><title>Page not found at /internal/identity-images/x</title></html>"
    for status in (404, 400, 403):
        transport = httpx.MockTransport(lambda _, s=status: httpx.Response(s, content=debug_page))
        with pytest.raises(PipelineError) as caught:
            host("http://host.invalid" + INTERNAL, transport=transport).get_identity("123")
        said = f"{caught.value.message} {caught.value.details}"
        assert "html" not in said.lower(), said
        assert "internal" not in said, said
        assert caught.value.code is ErrorCode.HOST_REJECTED
        assert caught.value.details["status"] == status


@pytest.mark.parametrize(
    "body",
    [b"Not Found", b'{"detail": "Not found."}', b'{"error": {"code": "user_not_found"}}'],
)
def test_a_404_without_the_apps_not_found_code_is_host_rejected(body: bytes) -> None:
    """A wrong DJANGO_INTERNAL_URL or mount point: not a missing identity."""
    transport = httpx.MockTransport(lambda _: httpx.Response(404, content=body))
    with pytest.raises(PipelineError) as caught:
        host("http://host.invalid" + INTERNAL, transport=transport).get_identity("123")
    assert caught.value.code is ErrorCode.HOST_REJECTED
    assert caught.value.details["status"] == 404
    assert not caught.value.retryable


def test_a_404_with_the_apps_not_found_code_is_not_found() -> None:
    body = b'{"error": {"code": "identity_not_found", "message": "No identity."}}'
    transport = httpx.MockTransport(lambda _: httpx.Response(404, content=body))
    with pytest.raises(PipelineError) as caught:
        host("http://host.invalid" + INTERNAL, transport=transport).get_identity("123")
    assert caught.value.code is ErrorCode.IDENTITY_NOT_FOUND
    assert caught.value.details == {"identity_id": "123", "host_code": "identity_not_found"}


def lenient_host(request: httpx.Request) -> httpx.Response:
    """A host app that, like Django's integer fields, takes `021` for `21` and answers
    with the canonical id."""
    if "/identities/" in request.url.path:
        return httpx.Response(200, json={"id": "21", "user_id": "7", "name": "Tess"})
    return httpx.Response(200, json={"id": "21", "username": "tess"})


def test_an_answer_under_another_spelling_is_not_found() -> None:
    """Ids have one spelling (`HostDirectory`): the adapter holds even a lenient host to
    it, so no caller keys one identity on two spellings."""
    client = host("http://host.invalid" + INTERNAL, transport=httpx.MockTransport(lenient_host))
    assert client.get_identity("21").id == "21"
    with pytest.raises(PipelineError) as caught:
        client.get_identity("021")
    assert caught.value.code is ErrorCode.IDENTITY_NOT_FOUND
    assert caught.value.details == {"identity_id": "021"}
    with pytest.raises(PipelineError) as caught:
        client.get_user("021")
    assert caught.value.code is ErrorCode.USER_NOT_FOUND


def test_a_timeout_is_retried(proxy: FaultProxy) -> None:
    # Stall the first request well past the client's timeout; the timeout itself leaves the
    # real Django answering the retry room on a loaded machine.
    proxy.script = [6.0]
    users = host(proxy.url + INTERNAL, timeout_s=2.0).list_test_users()
    assert len(users) == 2
    assert len(proxy.seen) == 2


def test_an_answer_off_the_contract_is_host_rejected(proxy: FaultProxy) -> None:
    proxy.script = [200]  # answers `{}`
    with pytest.raises(PipelineError) as caught:
        host(proxy.url + INTERNAL).get_identity("00000000-0000-4000-8000-000000000000")
    assert caught.value.code is ErrorCode.HOST_REJECTED


def test_the_hosts_login_and_me_work_with_the_authorizers_introspection(
    django_server: DjangoServer,
) -> None:
    login = httpx.post(
        django_server.url + "/api/v1/auth/token/",
        json={"username": "admin", "password": "admin-password"},
    )
    assert login.status_code == 200
    introspection = DjangoIntrospection(django_server.url + "/api/v1/users/me/", timeout_s=5)
    me = introspection.me(f"Bearer {login.json()['access']}")
    assert me.username == "admin"
    assert me.is_staff is True
    with pytest.raises(PipelineError) as caught:
        introspection.me("Bearer not-a-token")
    assert caught.value.code is ErrorCode.HOST_REJECTED
