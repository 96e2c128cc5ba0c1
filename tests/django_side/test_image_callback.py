"""The signed "set image" callback, verified the Standard Webhooks way."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.files.storage import default_storage
from django.test import TestCase, override_settings
from standardwebhooks.webhooks import Webhook

from example_host.people.models import Identity
from identity_images.adapters.callback import signed_headers
from identity_images.domain import ImageAssignment
from identity_images.media_types import EXTENSIONS_BY_TYPE
from identity_images_django.models import ReceivedWebhook
from identity_images_django.signals import identity_image_assigned
from identity_images_django.views import _EXTENSIONS
from tests.django_side import OTHER_SECRET, SERVICE_TOKEN, WEBHOOK_SECRET
from tests.django_side.factories import make_identity, make_user

BASE = "/internal/identity-images"
IN_MEMORY = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@override_settings(STORAGES=IN_MEMORY)
class ImageCallbackTests(TestCase):
    def setUp(self) -> None:
        self.identity = make_identity(make_user("alice", is_test_user=True), "Chef")
        self.path = f"generated/identities/{self.identity.pk}/gen-1.png"
        self.url = f"{BASE}/identities/{self.identity.pk}/image/"

    def body(self, **changes: Any) -> bytes:
        payload = {
            "identity_id": str(self.identity.pk),
            "image_path": self.path,
            "generation_id": "gen-1",
            "content_type": "image/png",
            "size": 1234,
            **changes,
        }
        return json.dumps(payload).encode()

    def post(self, body: bytes, headers: dict[str, str], url: str | None = None) -> Any:
        return self.client.generic(
            "POST", url or self.url, body, content_type="application/json", headers=headers
        )

    def library_headers(
        self, body: bytes, msg_id: str = "msg-1", secret: str = WEBHOOK_SECRET, age_s: int = 0
    ) -> dict[str, str]:
        """Headers exactly as the `standardwebhooks` package signs them."""
        when = datetime.now(UTC) - timedelta(seconds=age_s)
        return {
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(when.timestamp())),
            "webhook-signature": Webhook(secret).sign(msg_id, when, body.decode()),
        }

    def image_name(self) -> str:
        return Identity.objects.get(pk=self.identity.pk).image.name or ""

    def test_a_standardwebhooks_signature_is_accepted_and_sets_the_image(self) -> None:
        body = self.body()
        response = self.post(body, self.library_headers(body))
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "applied"
        assert self.image_name() == self.path
        # the key was assigned, not a file copied: storage is untouched
        assert default_storage.listdir("") == ([], [])
        assert ReceivedWebhook.objects.get(webhook_id="msg-1").image_path == self.path

    def test_a_jpeg_output_is_accepted_under_either_of_its_extensions(self) -> None:
        for n, extension in enumerate(("jpg", "jpeg")):
            path = f"{self.path[:-4]}.{extension}"
            body = self.body(image_path=path, content_type="image/jpeg", generation_id="gen-1")
            response = self.post(body, self.library_headers(body, msg_id=f"jpeg-{n}"))
            assert response.status_code == 200, (extension, response.content)
            assert self.image_name() == path

    def test_the_pipelines_own_signature_is_accepted(self) -> None:
        assignment = ImageAssignment(
            identity_id=str(self.identity.pk),
            image_path=self.path,
            generation_id="gen-1",
            content_type="image/png",
            size=99,
            requested_at=datetime.now(UTC),
        )
        payload = assignment.model_dump_json()
        headers = signed_headers(Webhook(WEBHOOK_SECRET), "job-9", payload, datetime.now(UTC))
        response = self.post(payload.encode(), headers)
        assert response.status_code == 200, response.content
        assert self.image_name() == self.path

    def test_a_tampered_body_is_refused_and_changes_nothing(self) -> None:
        body = self.body()
        headers = self.library_headers(body)
        tampered = self.body(image_path="generated/identities/evil.png")
        response = self.post(tampered, headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"
        assert self.image_name() == ""
        assert not ReceivedWebhook.objects.exists()

    def test_a_signature_with_another_secret_is_refused(self) -> None:
        body = self.body()
        assert self.post(body, self.library_headers(body, secret=OTHER_SECRET)).status_code == 401
        assert self.image_name() == ""

    def test_a_stale_or_future_timestamp_is_refused(self) -> None:
        body = self.body()
        for age_s in (301, 3600, -301):
            response = self.post(body, self.library_headers(body, msg_id=f"m{age_s}", age_s=age_s))
            assert response.status_code == 401, age_s
            assert "timestamp" in response.json()["error"]["message"]
        assert self.image_name() == ""

    def test_a_timestamp_within_the_tolerance_is_accepted(self) -> None:
        body = self.body()
        assert self.post(body, self.library_headers(body, age_s=240)).status_code == 200

    def test_missing_or_malformed_headers_are_refused(self) -> None:
        body = self.body()
        good = self.library_headers(body)
        for broken in (
            {k: v for k, v in good.items() if k != "webhook-signature"},
            {k: v for k, v in good.items() if k != "webhook-id"},
            {**good, "webhook-timestamp": "soon"},
            {**good, "webhook-signature": "v1,not base64!"},
            {**good, "webhook-signature": good["webhook-signature"].replace("v1,", "v2,")},
            {**good, "webhook-id": "another-id"},
        ):
            assert self.post(body, broken).status_code == 401, broken
        assert self.image_name() == ""

    def test_one_valid_signature_among_several_is_enough(self) -> None:
        body = self.body()
        headers = self.library_headers(body)
        wrong = self.library_headers(body, secret=OTHER_SECRET)["webhook-signature"]
        headers["webhook-signature"] = f"{wrong} v1a,xyz {headers['webhook-signature']}"
        assert self.post(body, headers).status_code == 200

    def test_a_replayed_webhook_id_is_acknowledged_but_not_applied_twice(self) -> None:
        body = self.body()
        first = self.post(body, self.library_headers(body, msg_id="once"))
        assert first.json()["status"] == "applied"
        # something else sets the image meanwhile (a later generation, a person)
        Identity.objects.filter(pk=self.identity.pk).update(image="manual/choice.png")
        replay = self.post(body, self.library_headers(body, msg_id="once"))
        assert replay.status_code == 200
        assert replay.json()["status"] == "duplicate"
        assert self.image_name() == "manual/choice.png"
        assert ReceivedWebhook.objects.filter(webhook_id="once").count() == 1

    def test_a_reused_webhook_id_with_another_body_is_a_conflict(self) -> None:
        body = self.body()
        self.post(body, self.library_headers(body, msg_id="id-1"))
        other = self.body(
            image_path=f"generated/identities/{self.identity.pk}/gen-2.png", generation_id="gen-2"
        )
        response = self.post(other, self.library_headers(other, msg_id="id-1"))
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "conflict"
        assert self.image_name() == self.path

    def test_a_bad_body_is_refused_with_validation_error(self) -> None:
        cases = {
            "not json": b"{not json",
            "missing field": json.dumps({"identity_id": str(self.identity.pk)}).encode(),
            "not an image": self.body(content_type="text/html"),
            "negative size": self.body(size=-1),
            "other identity": self.body(identity_id="00000000-0000-0000-0000-000000000000"),
            "absolute": self.body(image_path="/etc/passwd"),
            "traversal": self.body(image_path="generated/../../secrets.png"),
            "too long": self.body(image_path=f"{self.path[:-9]}{'a' * 600}.png"),
            # Signed all the same: no object but one of this identity's outputs.
            "an upload": self.body(image_path="uploads/1/u/1.jpg"),
            "another identity's": self.body(image_path="generated/identities/other/gen-1.png"),
            "the host's own file": self.body(image_path="avatars/someone.png"),
            "deeper": self.body(image_path=f"generated/identities/{self.identity.pk}/x/gen-1.png"),
            "another generation's": self.body(image_path=f"{self.path[:-9]}gen-2.png"),
            "its preview": self.body(image_path=f"{self.path[:-4]}.preview.jpg"),
            "its large rendition": self.body(image_path=f"{self.path[:-4]}.large.jpg"),
            "its small rendition": self.body(image_path=f"{self.path[:-4]}.small.jpg"),
            "a line break in the name": self.body(
                image_path=f"{self.path[:-9]}gen-1\n.png", generation_id="gen-1\n"
            ),
            "a line break in the root": self.body(image_path=f"a\nb/{self.path}"),
            "a bidi mark in the name": self.body(
                image_path=f"{self.path[:-9]}\u202egen-1.png", generation_id="\u202egen-1"
            ),
            "a climb for an id": self.body(
                image_path=f"{self.path[:-9]}...png", generation_id=".."
            ),
            "too short": self.body(image_path="gen-1.png"),
            # Named as an output, yet not an image of the type it says it is.
            "another kind of file": self.body(image_path=f"{self.path[:-4]}.exe"),
            "another type's extension": self.body(image_path=f"{self.path[:-4]}.jpg"),
            "a type the pipeline does not make": self.body(
                image_path=f"{self.path[:-4]}.svg", content_type="image/svg+xml"
            ),
        }
        for name, body in cases.items():
            response = self.post(body, self.library_headers(body, msg_id=name))
            assert response.status_code == 400, name
            assert response.json()["error"]["code"] == "validation_error", name
        assert self.image_name() == ""
        assert not ReceivedWebhook.objects.exists()

    def test_an_unknown_identity_is_not_found_and_can_be_retried(self) -> None:
        ghost = "5b0c8a57-0000-4000-8000-000000000000"
        body = self.body(identity_id=ghost, image_path=f"generated/identities/{ghost}/gen-1.png")
        url = f"{BASE}/identities/{ghost}/image/"
        response = self.post(body, self.library_headers(body, msg_id="ghost"), url=url)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "identity_not_found"
        assert not ReceivedWebhook.objects.filter(webhook_id="ghost").exists()

    def test_only_post_is_allowed(self) -> None:
        response = self.client.get(self.url)
        assert response.status_code == 405

    def test_the_assignment_is_announced_with_a_signal(self) -> None:
        seen: list[dict[str, Any]] = []

        def receiver(sender: type[Identity], **kwargs: Any) -> None:
            seen.append({"sender": sender, **kwargs})

        identity_image_assigned.connect(receiver)
        self.addCleanup(identity_image_assigned.disconnect, receiver)
        body = self.body()
        self.post(body, self.library_headers(body))
        assert len(seen) == 1
        assert seen[0]["sender"] is Identity
        assert seen[0]["image_path"] == self.path
        assert seen[0]["generation_id"] == "gen-1"

    @override_settings(
        IDENTITY_IMAGES={
            "IDENTITY_MODEL": "people.Identity",
            "SERVICE_TOKEN": SERVICE_TOKEN,
            "WEBHOOK_SECRET": [OTHER_SECRET, WEBHOOK_SECRET],
        }
    )
    def test_secrets_can_be_rotated(self) -> None:
        for n, secret in enumerate((WEBHOOK_SECRET, OTHER_SECRET)):
            body = self.body(
                generation_id=f"gen-{n}",
                image_path=f"generated/identities/{self.identity.pk}/gen-{n}.png",
            )
            response = self.post(body, self.library_headers(body, msg_id=f"r{n}", secret=secret))
            assert response.status_code == 200

    @override_settings(
        IDENTITY_IMAGES={
            "IDENTITY_MODEL": "people.Identity",
            "SERVICE_TOKEN": SERVICE_TOKEN,
            "WEBHOOK_SECRET": WEBHOOK_SECRET,
            "WEBHOOK_TOLERANCE_S": 30,
        }
    )
    def test_the_tolerance_is_a_setting(self) -> None:
        body = self.body()
        assert self.post(body, self.library_headers(body, age_s=60)).status_code == 401


@override_settings(STORAGES=IN_MEMORY)
class NewestDecisionTests(TestCase):
    """Two applies of one identity, the older one slow: the most recently *requested*
    one holds, whichever arrives last."""

    def setUp(self) -> None:
        self.identity = make_identity(make_user("alice", is_test_user=True), "Chef")
        self.url = f"{BASE}/identities/{self.identity.pk}/image/"
        self.now = datetime.now(UTC)

    def deliver(self, generation: str, requested_at: datetime, msg_id: str) -> Any:
        body = json.dumps(
            {
                "identity_id": str(self.identity.pk),
                "image_path": f"generated/identities/{self.identity.pk}/{generation}.png",
                "generation_id": generation,
                "content_type": "image/png",
                "size": 10,
                "requested_at": requested_at.isoformat(),
            }
        ).encode()
        when = datetime.now(UTC)
        headers = {
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(when.timestamp())),
            "webhook-signature": Webhook(WEBHOOK_SECRET).sign(msg_id, when, body.decode()),
        }
        return self.client.generic(
            "POST", self.url, body, content_type="application/json", headers=headers
        )

    def image_name(self) -> str:
        return Identity.objects.get(pk=self.identity.pk).image.name or ""

    def test_an_older_decision_arriving_last_is_refused_as_superseded(self) -> None:
        newer = self.deliver("new", self.now, "new:apply:1")
        assert newer.status_code == 200, newer.content
        older = self.deliver("old", self.now - timedelta(seconds=30), "old:apply:1")
        assert older.status_code == 409
        assert older.json()["error"]["code"] == "superseded"
        assert older.json()["error"]["details"]["held_generation_id"] == "new"
        assert self.image_name().endswith("/new.png")
        # Not recorded: a retry of the same delivery gets the same answer.
        assert not ReceivedWebhook.objects.filter(webhook_id="old:apply:1").exists()
        again = self.deliver("old", self.now - timedelta(seconds=30), "old:apply:1")
        assert again.json()["error"]["code"] == "superseded"

    def test_a_newer_request_for_an_old_result_wins(self) -> None:
        """'Save to identity' on an old result from the history is a newer decision."""
        self.deliver("new", self.now, "new:apply:1")
        again = self.deliver("old", self.now + timedelta(seconds=5), "old:apply:2")
        assert again.status_code == 200, again.content
        assert self.image_name().endswith("/old.png")


@override_settings(USE_TZ=False)
class NewestDecisionWithoutTimeZonesTests(NewestDecisionTests):
    """The same with `USE_TZ = False`: the aware `requested_at` is stored naive (UTC),
    not refused by the database with a 500."""

    def test_the_held_decision_is_reported_in_utc(self) -> None:
        self.deliver("new", self.now, "new:apply:1")
        older = self.deliver("old", self.now - timedelta(seconds=30), "old:apply:1")
        held = older.json()["error"]["details"]["held_requested_at"]
        assert datetime.fromisoformat(held) == self.now


class HostileCallbackTests(TestCase):
    """Headers a hostile sender makes up: refused in the error shape, never a 500."""

    def setUp(self) -> None:
        self.identity = make_identity(make_user("bob", is_test_user=True), "Pianist")
        self.url = f"{BASE}/identities/{self.identity.pk}/image/"
        self.body = json.dumps(
            {
                "identity_id": str(self.identity.pk),
                "image_path": f"generated/identities/{self.identity.pk}/g.png",
                "generation_id": "g",
                "content_type": "image/png",
                "size": 1,
            }
        ).encode()

    def post(self, headers: dict[str, str]) -> Any:
        return self.client.generic(
            "POST", self.url, self.body, content_type="application/json", headers=headers
        )

    def test_a_huge_timestamp_is_401_not_a_500(self) -> None:
        for stamp in ("9" * 400, "1" * 13):
            response = self.post(
                {"webhook-id": "m", "webhook-timestamp": stamp, "webhook-signature": "v1,AAAA"}
            )
            assert response.status_code == 401, response.content
            assert response.json()["error"]["code"] == "unauthorized"

    def signed(self, webhook_id: str = "m") -> dict[str, str]:
        when = datetime.now(UTC)
        return {
            "webhook-id": webhook_id,
            "webhook-timestamp": str(int(when.timestamp())),
            "webhook-signature": Webhook(WEBHOOK_SECRET).sign(webhook_id, when, self.body.decode()),
        }

    def test_malformed_signatures_are_401_not_a_500(self) -> None:
        good = self.signed()["webhook-signature"]
        for signature in (
            "v1",  # no comma
            "v1,a,b",
            f"v1,AAAA  {good}",  # two spaces: an empty entry
            "v1,not base64!",
            "v1,AAA",  # bad padding
        ):
            response = self.post({**self.signed(), "webhook-signature": signature})
            assert response.status_code == 401, (signature, response.content)
            assert response.json()["error"]["code"] == "unauthorized"

    def test_a_body_that_is_not_utf8_is_401_not_a_500(self) -> None:
        response = self.client.generic(
            "POST", self.url, b"\xff\xfe{}", content_type="application/json", headers=self.signed()
        )
        assert response.status_code == 401, response.content
        assert response.json()["error"]["code"] == "unauthorized"
        # In the endpoint's words, not the parser's ("'utf-8' codec can't decode byte 0xff").
        assert response.json()["error"]["message"].startswith("Malformed webhook: a body that")
        assert "codec" not in response.json()["error"]["message"]

    def test_a_webhook_id_over_255_characters_is_400_and_records_nothing(self) -> None:
        response = self.post(self.signed("m" * 256))
        assert response.status_code == 400, response.content
        assert response.json()["error"]["code"] == "validation_error"
        assert not ReceivedWebhook.objects.exists()
        assert Identity.objects.get(pk=self.identity.pk).image.name in ("", None)

    def test_values_the_tables_cannot_hold_are_400_and_record_nothing(self) -> None:
        """A time that overflows in UTC, or a field longer than its column: a 400 the pipeline
        does not retry, not a database error (a 500, retried until its tries run out)."""
        fields = json.loads(self.body)
        for name, change in {
            "year 1 east of UTC": {"requested_at": "0001-01-01T00:00:00+05:00"},
            "year 9999 west of UTC": {"requested_at": "9999-12-31T23:59:59-05:00"},
            "a 256-character generation id": {"generation_id": "g" * 256},
            "a 1025-character key": {"image_path": "generated/identities/1/" + "a" * 1003},
        }.items():
            self.body = json.dumps({**fields, **change}).encode()
            response = self.post(self.signed(f"m-{len(name)}"))
            assert response.status_code == 400, (name, response.content)
            assert response.json()["error"]["code"] == "validation_error", name
        assert not ReceivedWebhook.objects.exists()
        assert Identity.objects.get(pk=self.identity.pk).image.name in ("", None)


def test_the_host_takes_an_output_under_each_extension_the_pipeline_stores_it_with() -> None:
    """The host's list of output extensions (it cannot import the pipeline) is the
    pipeline's: an output the pipeline stored is never refused as "not its image"."""
    pipelines = {
        kind: tuple(extension.lstrip(".") for extension in extensions)
        for kind, extensions in EXTENSIONS_BY_TYPE.items()
    }
    assert pipelines == _EXTENSIONS
