"""Fitting the host's storage, against the example host: `path` with a storage location
(django-storages on S3, the bucket in moto) and `copy` into a file-system storage (the
image served over real HTTP). Plus the system check that refuses what cannot work."""

from __future__ import annotations

import io
import json
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
from django.core.checks import run_checks
from django.test import SimpleTestCase, TestCase, override_settings
from moto import mock_aws
from PIL import Image
from standardwebhooks.webhooks import Webhook

from example_host.people.models import Identity
from identity_images_django.models import ReceivedWebhook
from tests.django_side import SERVICE_TOKEN, WEBHOOK_SECRET
from tests.django_side.factories import make_identity, make_user

BASE = "/internal/identity-images"
HOST_BUCKET = "host-media"
STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


def s3_media(bucket: str = HOST_BUCKET, location: str = "media") -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "location": location,
                "endpoint_url": None,  # AWS's own endpoint, which moto intercepts
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
            },
        },
        "staticfiles": STATIC,
    }


def file_media(root: str) -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root},
        },
        "staticfiles": STATIC,
    }


def app_settings(**changes: Any) -> dict[str, Any]:
    return {
        "IDENTITY_MODEL": "people.Identity",
        "TEST_USER_FILTER": {"profile__is_test_user": True},
        "SERVICE_TOKEN": SERVICE_TOKEN,
        "WEBHOOK_SECRET": WEBHOOK_SECRET,
        "BUCKET_NAME": HOST_BUCKET,
        "BUCKET_PREFIX": "media/identity-images",
        **changes,
    }


def png(size: tuple[int, int] = (32, 18)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 90)).save(out, format="PNG")
    return out.getvalue()


class CallbackCase(TestCase):
    def setUp(self) -> None:
        self.identity = make_identity(make_user("alice", is_test_user=True), "Chef")
        self.url = f"{BASE}/identities/{self.identity.pk}/image/"

    def deliver(self, image_path: str, msg_id: str = "msg-1", **extra: Any) -> Any:
        body = json.dumps(
            {
                "identity_id": str(self.identity.pk),
                "image_path": image_path,
                "generation_id": "gen-1",
                "content_type": "image/png",
                "size": 10,
                **extra,
            }
        )
        now = datetime.now(UTC)
        headers = {
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": Webhook(WEBHOOK_SECRET).sign(msg_id, now, body),
        }
        return self.client.generic(
            "POST", self.url, body.encode(), content_type="application/json", headers=headers
        )

    def image(self) -> Any:
        return Identity.objects.get(pk=self.identity.pk).image


# --- path: the host's bucket, its storage under `location` -------------------------------
@override_settings(STORAGES=s3_media(), IDENTITY_IMAGES=app_settings())
class PathModeWithLocationTests(CallbackCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(mock_aws())
        self.s3 = boto3.client("s3", region_name="us-east-1")
        self.s3.create_bucket(Bucket=HOST_BUCKET)
        self.key = f"media/identity-images/generated/identities/{self.identity.pk}/gen-1.png"
        self.s3.put_object(Bucket=HOST_BUCKET, Key=self.key, Body=png(), ContentType="image/png")

    def test_the_name_is_relative_to_the_location_and_opens_the_pipelines_object(self) -> None:
        response = self.deliver(self.key)
        assert response.status_code == 200, response.content
        relative = f"identity-images/generated/identities/{self.identity.pk}/gen-1.png"
        assert response.json()["image_name"] == relative
        image = self.image()
        assert image.name == relative
        with image.open("rb") as opened:  # the host's own storage finds the object
            assert opened.read() == png()
        # nothing was copied: the bucket still holds the one object
        listed = self.s3.list_objects_v2(Bucket=HOST_BUCKET)["Contents"]
        assert [o["Key"] for o in listed] == [self.key]

    def test_the_reads_give_back_the_key_the_callback_sent_not_the_relative_name(self) -> None:
        # The pipeline knows its objects by their keys (a preview URL, a presigned GET):
        # the field's name alone, relative to the location, is another key.
        assert self.deliver(self.key).status_code == 200
        auth = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
        one = self.client.get(f"{BASE}/identities/{self.identity.pk}/", headers=auth)
        listed = self.client.get(f"{BASE}/users/{self.identity.user_id}/identities/", headers=auth)
        assert one.json()["image_path"] == self.key
        assert [each["image_path"] for each in listed.json()["results"]] == [self.key]

    def test_an_object_outside_the_location_is_refused_and_changes_nothing(self) -> None:
        outside = f"identity-images/generated/identities/{self.identity.pk}/gen-1.png"
        response = self.deliver(outside)
        assert response.status_code == 400
        assert response.json()["error"]["details"]["location"] == "media"
        assert self.image().name == ""
        assert not ReceivedWebhook.objects.exists()


# --- copy: any storage, here the file system ----------------------------------------------
@dataclass
class Served:
    status: int = 200
    content_type: str = "image/png"
    body: bytes = b""


class ImageServer:
    """A real HTTP server answering every GET with `served`; counts the requests."""

    def __init__(self) -> None:
        self.served = Served(body=png())
        self.requests = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requests += 1
                self.send_response(owner.served.status)
                self.send_header("Content-Type", owner.served.content_type)
                self.send_header("Content-Length", str(len(owner.served.body)))
                self.end_headers()
                self.wfile.write(owner.served.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/output.png?X-Amz-Signature=x"

    @contextmanager
    def running(self) -> Iterator[ImageServer]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()


class CopyModeTests(CallbackCase):
    def setUp(self) -> None:
        super().setUp()
        self.media_root = self.enterContext(tempfile.TemporaryDirectory())
        self.enterContext(
            override_settings(
                STORAGES=file_media(self.media_root),
                IDENTITY_IMAGES=app_settings(IMAGE_MODE="copy", COPY_MAX_BYTES=50_000),
            )
        )
        self.images = self.enterContext(ImageServer().running())
        self.key = f"identity-images/generated/identities/{self.identity.pk}/gen-1.png"

    def files(self) -> list[str]:
        root = Path(self.media_root)
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    def test_the_image_is_downloaded_and_saved_through_the_fields_storage(self) -> None:
        response = self.deliver(self.key, image_url=self.images.url)
        assert response.status_code == 200, response.content
        image = self.image()
        # the host's upload_to ("identities/") names it, not the pipeline's key
        assert image.name == "identities/gen-1.png"
        assert response.json()["image_name"] == image.name
        assert self.files() == ["identities/gen-1.png"]
        with image.open("rb") as opened:
            assert opened.read() == png()

    def test_the_copy_is_listed_with_a_url_the_host_serves_it_at(self) -> None:
        assert self.deliver(self.key, image_url=self.images.url).status_code == 200
        listing = self.client.get(
            f"{BASE}/users/{self.identity.user_id}/identities/",
            headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
        )
        (listed,) = listing.json()["results"]
        assert listed["image_path"] == "identities/gen-1.png"
        url = urlsplit(listed["image_url"])
        assert (url.scheme, url.netloc, url.path) == (
            "http",
            "testserver",
            "/media/identities/gen-1.png",
        )
        served = self.client.get(url.path)
        assert served.status_code == 200
        assert served["Content-Type"] == "image/png"
        assert served.getvalue() == png()

    def test_a_replay_downloads_nothing_and_changes_nothing(self) -> None:
        assert self.deliver(self.key, image_url=self.images.url).status_code == 200
        again = self.deliver(self.key, image_url=self.images.url)
        assert again.status_code == 200
        assert again.json()["status"] == "duplicate"
        assert self.images.requests == 1
        assert self.files() == ["identities/gen-1.png"]

    def test_a_failed_download_keeps_the_image_and_asks_for_a_retry(self) -> None:
        Identity.objects.filter(pk=self.identity.pk).update(image="identities/old.png")
        self.images.served = Served(status=403, content_type="application/xml", body=b"<Expired/>")
        response = self.deliver(self.key, image_url=self.images.url)
        assert response.status_code == 503  # 5xx: the pipeline delivers again
        assert response.json()["error"]["code"] == "image_copy_failed"
        assert self.image().name == "identities/old.png"
        assert not ReceivedWebhook.objects.exists()
        assert self.files() == []
        # the retry, with the URL working again, applies
        self.images.served = Served(body=png())
        assert self.deliver(self.key, image_url=self.images.url).status_code == 200
        assert self.image().name == "identities/gen-1.png"

    def test_an_unreachable_url_asks_for_a_retry(self) -> None:
        self.images.server.shutdown()
        self.images.server.server_close()
        response = self.deliver(self.key, image_url=self.images.url)
        assert response.status_code == 503
        assert self.image().name == ""

    def test_too_large_or_not_an_allowed_image_is_refused_for_good(self) -> None:
        cases = [
            Served(body=png((400, 400)) + b"\0" * 60_000),  # over COPY_MAX_BYTES
            Served(content_type="text/html", body=b"<html></html>"),
            Served(content_type="image/png", body=b"not an image at all"),
            Served(content_type="image/jpeg", body=png()),  # says JPEG, holds PNG
        ]
        for n, served in enumerate(cases):
            self.images.served = served
            response = self.deliver(self.key, msg_id=f"msg-{n}", image_url=self.images.url)
            assert response.status_code == 422, (served.content_type, response.content)
            assert response.json()["error"]["code"] == "image_rejected"
        assert self.image().name == ""
        assert self.files() == []
        assert not ReceivedWebhook.objects.exists()

    def test_copy_mode_needs_the_url(self) -> None:
        response = self.deliver(self.key)
        assert response.status_code == 400
        assert response.json()["error"]["details"]["field"] == "image_url"


# --- the system check -------------------------------------------------------------------
class PlacementCheckTests(SimpleTestCase):
    def check_ids(self) -> set[str]:
        return {m.id for m in run_checks() if m.id and m.id.startswith("identity_images.")}

    def test_path_with_a_location_the_prefix_lies_under_is_fine(self) -> None:
        with override_settings(STORAGES=s3_media(), IDENTITY_IMAGES=app_settings()):
            assert self.check_ids() == set()

    def test_path_with_a_location_the_pipeline_never_writes_under_is_refused(self) -> None:
        settings = app_settings(BUCKET_PREFIX="identity-images/")
        with override_settings(STORAGES=s3_media(), IDENTITY_IMAGES=settings):
            (message,) = [m for m in run_checks() if m.id == "identity_images.E009"]
        assert "could never find them" in message.msg
        assert "bucketPrefix=media/identity-images/" in str(message.hint)

    def test_path_with_another_bucket_is_refused(self) -> None:
        with override_settings(
            STORAGES=s3_media(bucket="elsewhere"), IDENTITY_IMAGES=app_settings()
        ):
            assert self.check_ids() == {"identity_images.E008"}

    def test_path_with_a_storage_that_is_no_bucket_is_refused(self) -> None:
        with override_settings(STORAGES=file_media("/tmp/m"), IDENTITY_IMAGES=app_settings()):
            assert self.check_ids() == {"identity_images.E007"}

    def test_copy_works_with_any_storage(self) -> None:
        settings = app_settings(IMAGE_MODE="copy")
        with override_settings(STORAGES=file_media("/tmp/m"), IDENTITY_IMAGES=settings):
            assert self.check_ids() == set()

    def test_a_public_base_url_must_be_an_absolute_http_url(self) -> None:
        for base in ("app.example.com", "/media/", "ftp://app.example.com", "https://"):
            settings = app_settings(IMAGE_MODE="copy", PUBLIC_BASE_URL=base)
            with override_settings(STORAGES=file_media("/tmp/m"), IDENTITY_IMAGES=settings):
                assert self.check_ids() == {"identity_images.E010"}, base
        for base in ("https://app.example.com", "http://127.0.0.1:8000/", ""):
            settings = app_settings(IMAGE_MODE="copy", PUBLIC_BASE_URL=base)
            with override_settings(STORAGES=file_media("/tmp/m"), IDENTITY_IMAGES=settings):
                assert self.check_ids() == set(), base

    def test_an_unknown_mode_or_empty_limits_are_refused(self) -> None:
        with override_settings(IDENTITY_IMAGES=app_settings(IMAGE_MODE="link")):
            assert self.check_ids() == {"identity_images.E005"}
        settings = app_settings(IMAGE_MODE="copy", COPY_CONTENT_TYPES=["image/gif"])
        with override_settings(IDENTITY_IMAGES=settings):
            assert self.check_ids() == {"identity_images.E006"}
