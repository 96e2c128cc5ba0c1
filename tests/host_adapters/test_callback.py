"""`WebhookCallback` against the example host, served for real (and through a fault proxy)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pydantic import SecretStr
from standardwebhooks.webhooks import Webhook

from identity_images.adapters.callback import WebhookCallback
from identity_images.adapters.django_host import DjangoHost
from identity_images.adapters.host_http import Backoff
from identity_images.domain import HostIdentity, ImageAssignment
from identity_images.errors import ErrorCode, PipelineError
from identity_images.settings import Settings
from tests.host_adapters import SERVICE_TOKEN, WEBHOOK_SECRET
from tests.host_adapters.servers import INTERNAL, DjangoServer, FaultProxy, free_port

pytestmark = pytest.mark.e2e  # the example host runs in a subprocess

FAST = Backoff(max_attempts=4, initial_s=0.1, max_s=1.0)


def callback(
    base_url: str, sleep: Callable[[float], None] | None = None, secret: str = WEBHOOK_SECRET
) -> WebhookCallback:
    return WebhookCallback(base_url, secret, backoff=FAST, sleep=sleep or (lambda _: None))


def reader(server: DjangoServer) -> DjangoHost:
    return DjangoHost(server.internal_url, lambda: SERVICE_TOKEN)


def an_identity(server: DjangoServer, index: int) -> HostIdentity:
    directory = reader(server)
    users = directory.list_test_users()
    return directory.list_identities(users[index // 2].id)[index % 2]


def assignment(
    identity: HostIdentity, generation_id: str | None = None, requested_at: datetime | None = None
) -> ImageAssignment:
    generation_id = generation_id or uuid.uuid4().hex
    return ImageAssignment(
        identity_id=identity.id,
        image_path=f"generated/identities/{identity.id}/{generation_id}.png",
        generation_id=generation_id,
        content_type="image/png",
        size=2048,
        requested_at=requested_at or datetime.now(UTC),
    )


def test_an_older_decision_delivered_last_is_superseded(django_server: DjangoServer) -> None:
    """The older of two applies finishing last does not overwrite the newer one: the
    host answers `superseded`, a final answer (no retry), and the newer image stays."""
    identity = an_identity(django_server, 0)
    now = datetime.now(UTC)
    older = assignment(identity, requested_at=now - timedelta(minutes=1))
    newer = assignment(identity, requested_at=now)
    sleeps: list[float] = []
    client = callback(django_server.internal_url, sleeps.append)
    client.deliver(newer, delivery_id="newest-wins-newer")
    with pytest.raises(PipelineError) as caught:
        client.deliver(older, delivery_id="newest-wins-older")
    assert caught.value.code == ErrorCode.SUPERSEDED
    assert not caught.value.retryable
    assert sleeps == []
    assert reader(django_server).get_identity(identity.id).image_path == newer.image_path


def test_delivery_sets_the_identitys_image(django_server: DjangoServer) -> None:
    identity = an_identity(django_server, 0)
    job = assignment(identity)
    callback(django_server.internal_url).deliver(job, delivery_id=str(uuid.uuid4()))
    assert reader(django_server).get_identity(identity.id).image_path == job.image_path


def test_a_redelivery_is_acknowledged_but_not_applied_twice(django_server: DjangoServer) -> None:
    identity = an_identity(django_server, 1)
    first, second = assignment(identity), assignment(identity)
    client = callback(django_server.internal_url)
    client.deliver(first, delivery_id="delivery-first")
    client.deliver(second, delivery_id="delivery-second")
    client.deliver(first, delivery_id="delivery-first")  # e.g. SQS delivered the job twice
    assert reader(django_server).get_identity(identity.id).image_path == second.image_path


def test_5xx_is_retried_until_django_answers(proxy: FaultProxy) -> None:
    identity = an_identity_via(proxy, 2)
    job = assignment(identity)
    proxy.script = [503, 500, 502]
    sleeps: list[float] = []
    callback(proxy.url + INTERNAL, sleeps.append).deliver(job, delivery_id="retried-1")
    posts = [s for s in proxy.seen if s.method == "POST"]
    assert len(posts) == 4
    assert sleeps == [0.1, 0.2, 0.4]
    # one webhook-id for every attempt; each attempt is signed the Standard Webhooks way
    assert {p.headers["webhook-id"] for p in posts} == {"retried-1"}
    signed = job.model_dump(mode="json")
    for post in posts:
        assert Webhook(WEBHOOK_SECRET).verify(post.body, post.headers) == signed
    assert an_identity_via(proxy, 2).image_path == job.image_path


def test_connection_errors_are_retried_until_django_listens(
    django_server: DjangoServer,
) -> None:
    """Nothing listens on the port at first; on the second backoff, Django comes up."""
    identity = an_identity(django_server, 3)
    job = assignment(identity)
    late = FaultProxy(upstream=django_server.url, port=free_port())
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 2:
            late.start()

    try:
        callback(f"http://127.0.0.1:{late.port}{INTERNAL}", sleep).deliver(
            job, delivery_id="late-host"
        )
    finally:
        late.stop()
    assert len(sleeps) == 2
    assert len(late.seen) == 1
    assert reader(django_server).get_identity(identity.id).image_path == job.image_path


def test_exhausted_retries_are_host_unavailable_and_change_nothing(proxy: FaultProxy) -> None:
    identity = an_identity_via(proxy, 0)
    proxy.script = [503] * 10
    with pytest.raises(PipelineError) as caught:
        callback(proxy.url + INTERNAL).deliver(assignment(identity), delivery_id="never")
    assert caught.value.code is ErrorCode.HOST_UNAVAILABLE
    assert caught.value.retryable
    assert len([s for s in proxy.seen if s.method == "POST"]) == 4
    proxy.script = []
    assert an_identity_via(proxy, 0).image_path == identity.image_path


def test_a_wrong_secret_is_a_final_refusal(django_server: DjangoServer) -> None:
    identity = an_identity(django_server, 0)
    other = "whsec_" + "b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldC0xMjM0NTY3OA=="
    sleeps: list[float] = []
    with pytest.raises(PipelineError) as caught:
        callback(django_server.internal_url, sleeps.append, secret=other).deliver(
            assignment(identity), delivery_id="forged"
        )
    assert caught.value.code is ErrorCode.HOST_REJECTED
    assert not caught.value.retryable
    assert caught.value.details["status"] == 401
    assert sleeps == []  # a refusal is not retried
    assert reader(django_server).get_identity(identity.id).image_path == identity.image_path


def test_an_unknown_identity_is_a_final_identity_not_found(django_server: DjangoServer) -> None:
    """It was `host_rejected` (`details.host_code` `identity_not_found`), though `POST
    …/apply` of a deleted identity answers 404 `identity_not_found`."""
    ghost = HostIdentity(id=str(uuid.uuid4()), user_id="1", name="ghost")
    sleeps: list[float] = []
    with pytest.raises(PipelineError) as caught:
        callback(django_server.internal_url, sleeps.append).deliver(
            assignment(ghost), delivery_id="ghost"
        )
    assert caught.value.code is ErrorCode.IDENTITY_NOT_FOUND
    assert not caught.value.retryable
    assert caught.value.details == {"delivery_id": "ghost", "identity_id": ghost.id}
    assert sleeps == []


@pytest.mark.parametrize(
    "body", [b"<h1>Not Found</h1>", b'{"error": {"code": "user_not_found"}}'], ids=["page", "user"]
)
def test_a_404_without_the_identity_code_is_still_host_rejected(body: bytes) -> None:
    """A proxy's page or another code is no statement that the identity is gone."""
    answer = httpx.MockTransport(lambda _: httpx.Response(404, content=body))
    sender = WebhookCallback(
        "http://host.test" + INTERNAL, WEBHOOK_SECRET, backoff=FAST, transport=answer
    )
    with pytest.raises(PipelineError) as caught:
        sender.deliver(assignment(HostIdentity(id="5", user_id="1", name="x")), delivery_id="d")
    assert caught.value.code is ErrorCode.HOST_REJECTED
    assert caught.value.details["status"] == 404


def test_from_settings_uses_the_secret_and_attempts(django_server: DjangoServer) -> None:
    settings = Settings(
        django_internal_url=django_server.internal_url,
        webhook_secret=SecretStr(WEBHOOK_SECRET),
        callback_max_attempts=2,
    )
    identity = an_identity(django_server, 1)
    job = assignment(identity)
    WebhookCallback.from_settings(settings).deliver(job, delivery_id=str(uuid.uuid4()))
    assert reader(django_server).get_identity(identity.id).image_path == job.image_path


def test_from_settings_refuses_a_missing_or_malformed_secret() -> None:
    for secret in (None, SecretStr("whsec_%%%")):
        with pytest.raises(PipelineError) as caught:
            WebhookCallback.from_settings(Settings(webhook_secret=secret))
        assert caught.value.code is ErrorCode.INTERNAL_ERROR


def an_identity_via(proxy: FaultProxy, index: int) -> HostIdentity:
    return an_identity(DjangoServer(proxy.url), index)
