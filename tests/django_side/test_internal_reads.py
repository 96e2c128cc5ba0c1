"""The pipeline's reads: users, test users, identities; a service token on every call."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core.files.storage import Storage
from django.test import TestCase, override_settings
from django.test.client import Client

from tests.django_side import SERVICE_TOKEN
from tests.django_side.factories import make_identity, make_user

BASE = "/internal/identity-images"
AUTH = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


def file_media(root: str) -> dict[str, Any]:
    backend = "django.core.files.storage.FileSystemStorage"
    return {"default": {"BACKEND": backend, "OPTIONS": {"location": root}}, "staticfiles": STATIC}


class NoUrlStorage(Storage):
    """A storage that serves nothing by URL (Django's base `url()` raises)."""


def error_code(response: Any) -> str:
    return str(response.json()["error"]["code"])


class ServiceTokenTests(TestCase):
    def setUp(self) -> None:
        self.user = make_user("someone")

    def test_every_read_refuses_a_missing_token(self) -> None:
        for url in (
            f"{BASE}/users/{self.user.pk}/",
            f"{BASE}/test-users/",
            f"{BASE}/users/{self.user.pk}/identities/",
            f"{BASE}/identities/{uuid.uuid4()}/",
        ):
            response = self.client.get(url)
            assert response.status_code == 401, url
            assert error_code(response) == "unauthorized"

    def test_a_wrong_token_is_refused(self) -> None:
        for header in (
            f"Bearer {SERVICE_TOKEN}x",
            f"Bearer {SERVICE_TOKEN[:-1]}",
            f"Token {SERVICE_TOKEN}",
            SERVICE_TOKEN,
            "Bearer ",
        ):
            response = self.client.get(
                f"{BASE}/users/{self.user.pk}/", headers={"Authorization": header}
            )
            assert response.status_code == 401, header

    @override_settings(IDENTITY_IMAGES={"IDENTITY_MODEL": "people.Identity", "SERVICE_TOKEN": ""})
    def test_an_unconfigured_token_refuses_everyone(self) -> None:
        response = self.client.get(f"{BASE}/test-users/", headers={"Authorization": "Bearer "})
        assert response.status_code == 401

    @override_settings(
        IDENTITY_IMAGES={
            "IDENTITY_MODEL": "people.Identity",
            "SERVICE_TOKEN": ["the-new-token", SERVICE_TOKEN, ""],
        }
    )
    def test_while_a_token_is_rotated_in_both_are_taken(self) -> None:
        for token in ("the-new-token", SERVICE_TOKEN):
            response = self.client.get(
                f"{BASE}/test-users/", headers={"Authorization": f"Bearer {token}"}
            )
            assert response.status_code == 200, token
        for header in ("Bearer ", "Bearer the-old-token"):
            response = self.client.get(f"{BASE}/test-users/", headers={"Authorization": header})
            assert response.status_code == 401, header

    def test_reads_refuse_other_methods_in_the_error_shape(self) -> None:
        response = self.client.post(f"{BASE}/test-users/", headers=AUTH)
        assert response.status_code == 405
        assert error_code(response) == "method_not_allowed"
        assert response["Allow"] == "GET"


class UserReadTests(TestCase):
    def setUp(self) -> None:
        self.admin = make_user("ada", is_staff=True, full_name="Ada Lovelace")
        self.alice = make_user("alice", is_test_user=True)
        self.bob = make_user("bob", is_test_user=True, full_name="Bob Builder")
        self.member = make_user("max")

    def get(self, path: str) -> Any:
        return Client().get(BASE + path, headers=AUTH)

    def test_a_user_is_described_as_the_pipeline_expects(self) -> None:
        response = self.get(f"/users/{self.admin.pk}/")
        assert response.status_code == 200
        assert response.json() == {
            "id": str(self.admin.pk),
            "username": "ada",
            "display_name": "Ada Lovelace",
            "is_test_user": False,
            "is_staff": True,
            "is_active": True,
        }

    def test_a_test_user_is_marked(self) -> None:
        body = self.get(f"/users/{self.alice.pk}/").json()
        assert body["is_test_user"] is True
        assert body["display_name"] == "alice"  # no full name: the username

    def test_test_users_lists_only_the_test_users(self) -> None:
        response = self.get("/test-users/")
        assert response.status_code == 200
        results = response.json()["results"]
        assert [u["username"] for u in results] == ["alice", "bob"]
        assert all(u["is_test_user"] for u in results)

    def test_an_unknown_user_is_user_not_found(self) -> None:
        for user_id in ("999999", "not-a-number", "-1"):
            response = self.get(f"/users/{user_id}/")
            assert response.status_code == 404, user_id
            assert error_code(response) == "user_not_found"
            response = self.get(f"/users/{user_id}/identities/")
            assert response.status_code == 404, user_id
            assert error_code(response) == "user_not_found"

    @override_settings(
        IDENTITY_IMAGES={
            "IDENTITY_MODEL": "people.Identity",
            "SERVICE_TOKEN": SERVICE_TOKEN,
            "TEST_USER_FILTER": "tests.django_side.test_internal_reads.staff_are_test_users",
        }
    )
    def test_the_test_user_filter_can_be_a_callable(self) -> None:
        results = self.get("/test-users/").json()["results"]
        assert [u["username"] for u in results] == ["ada"]


def staff_are_test_users() -> Any:
    from django.contrib.auth.models import User

    return User.objects.filter(is_staff=True)


class IdentityReadTests(TestCase):
    def setUp(self) -> None:
        self.enterContext(override_settings(STORAGES=file_media("/tmp/unused-media")))
        self.alice = make_user("alice", is_test_user=True)
        self.other = make_user("carol", is_test_user=True)
        self.chef = make_identity(self.alice, "Chef", "In a kitchen")
        self.pilot = make_identity(self.alice, "Astronaut", image="generated/identities/x/1.png")
        make_identity(self.other, "Someone else's")

    def get(self, path: str) -> Any:
        return Client().get(BASE + path, headers=AUTH)

    def test_a_users_identities_are_listed_by_name(self) -> None:
        response = self.get(f"/users/{self.alice.pk}/identities/")
        assert response.status_code == 200
        assert response.json()["results"] == [
            {
                "id": str(self.pilot.pk),
                "user_id": str(self.alice.pk),
                "name": "Astronaut",
                "description": "",
                "image_path": "generated/identities/x/1.png",
                # the storage's URL (MEDIA_URL), absolute against the URL called
                "image_url": "http://testserver/media/generated/identities/x/1.png",
            },
            {
                "id": str(self.chef.pk),
                "user_id": str(self.alice.pk),
                "name": "Chef",
                "description": "In a kitchen",
                "image_path": None,
                "image_url": None,
            },
        ]

    def test_a_user_without_identities_gets_an_empty_list(self) -> None:
        lonely = make_user("lonely")
        assert self.get(f"/users/{lonely.pk}/identities/").json() == {"results": []}

    def test_one_identity(self) -> None:
        response = self.get(f"/identities/{self.chef.pk}/")
        assert response.status_code == 200
        assert response.json()["name"] == "Chef"
        assert response.json()["user_id"] == str(self.alice.pk)

    def test_an_unknown_identity_is_identity_not_found(self) -> None:
        for identity_id in (str(uuid.uuid4()), "not-a-uuid"):
            response = self.get(f"/identities/{identity_id}/")
            assert response.status_code == 404
            assert error_code(response) == "identity_not_found"
            assert response.json()["error"]["details"] == {"identity_id": identity_id}


def unsigned(url: str | None) -> tuple[str, list[str]] | None:
    """A URL as two reads give it alike: a presigned one is signed at each read (its expiry
    and signature change from one second to the next), so only its parameters' names count."""
    if url is None:
        return None
    parts = urlsplit(url)
    return parts._replace(query="").geturl(), sorted(parse_qs(parts.query))


class IdentityImageUrlTests(TestCase):
    """`image_url`: where a browser on another origin (the Images tab) shows the image."""

    def setUp(self) -> None:
        self.media_root = self.enterContext(tempfile.TemporaryDirectory())
        self.enterContext(override_settings(STORAGES=file_media(self.media_root)))
        self.alice = make_user("alice", is_test_user=True)
        self.chef = make_identity(self.alice, "Chef", image="identities/gen-1.png")
        self.image = b"\x89PNG the copied image"
        path = Path(self.media_root, "identities", "gen-1.png")
        path.parent.mkdir()
        path.write_bytes(self.image)

    def listed_url(self) -> Any:
        response = Client().get(f"{BASE}/users/{self.alice.pk}/identities/", headers=AUTH)
        assert response.status_code == 200
        (identity,) = response.json()["results"]
        detail = Client().get(f"{BASE}/identities/{self.chef.pk}/", headers=AUTH).json()
        assert unsigned(detail["image_url"]) == unsigned(identity["image_url"])
        return identity["image_url"]

    def test_a_file_system_image_is_served_by_the_host_at_its_absolute_url(self) -> None:
        url = self.listed_url()
        assert url == "http://testserver/media/identities/gen-1.png"
        response = Client().get(urlsplit(url).path)
        assert response.status_code == 200
        assert response.getvalue() == self.image
        refused = Client().post(urlsplit(url).path)
        assert refused.status_code == 405
        assert error_code(refused) == "method_not_allowed"

    def test_the_public_base_url_is_where_browsers_reach_the_host(self) -> None:
        app = {**settings.IDENTITY_IMAGES, "PUBLIC_BASE_URL": "https://app.example.com/"}
        with override_settings(IDENTITY_IMAGES=app):
            assert self.listed_url() == "https://app.example.com/media/identities/gen-1.png"

    def test_an_s3_storage_gives_its_own_presigned_url(self) -> None:
        with override_settings(STORAGES={"default": settings.S3_MEDIA, "staticfiles": STATIC}):
            url = urlsplit(self.listed_url())
            endpoint = urlsplit(settings.AWS_S3_ENDPOINT_URL)
            assert (url.scheme, url.netloc) == (endpoint.scheme, endpoint.netloc)
            assert url.path == f"/{settings.BUCKET_NAME}/identities/gen-1.png"
            signed = set(parse_qs(url.query))
            assert signed & {"Signature", "X-Amz-Signature"}, url.query  # SigV2 or SigV4
            # and the host serves no media of its own then
            response = Client().get("/media/identities/gen-1.png")
            assert response.status_code == 404
            assert error_code(response) == "not_found"

    def test_no_image_or_a_storage_without_urls_gives_none(self) -> None:
        self.chef.image = ""
        self.chef.save()
        assert self.listed_url() is None
        self.chef.image = "identities/gen-1.png"
        self.chef.save()
        backend = f"{__name__}.NoUrlStorage"
        with override_settings(STORAGES={"default": {"BACKEND": backend}, "staticfiles": STATIC}):
            assert self.listed_url() is None

    def test_the_media_url_serves_nothing_outside_the_media_root(self) -> None:
        for path in ("/media/../settings.py", "/media/%2e%2e/example_host.sqlite3"):
            response = Client().get(path)
            assert response.status_code == 400, path
            assert error_code(response) == "bad_request", path
        response = Client().get("/media/identities/missing.png")
        assert response.status_code == 404
        assert error_code(response) == "not_found"


class CanonicalIdTests(TestCase):
    """Every id has one spelling: the one the app answers. Another spelling names no one,
    so the pipeline cannot key one identity's state, folder or jobs on two spellings."""

    def setUp(self) -> None:
        self.alice = make_user("alice", is_test_user=True)
        self.chef = make_identity(self.alice, "Chef")

    def get(self, path: str) -> Any:
        return Client().get(BASE + path, headers=AUTH)

    def test_an_identity_answers_only_its_canonical_id(self) -> None:
        canonical = str(self.chef.pk)
        assert self.get(f"/identities/{canonical}/").json()["id"] == canonical
        for spelling in (
            canonical.upper(),
            canonical.replace("-", ""),
            "{" + canonical + "}",
            f"urn:uuid:{canonical}",
        ):
            response = self.get(f"/identities/{spelling}/")
            assert response.status_code == 404, spelling
            assert error_code(response) == "identity_not_found"

    def test_a_user_answers_only_its_canonical_id(self) -> None:
        pk = self.alice.pk
        assert self.get(f"/users/{pk}/").status_code == 200
        fullwidth = "".join(chr(0xFF10 + int(d)) for d in str(pk))
        arabic_indic = "".join(chr(0x0660 + int(d)) for d in str(pk))
        for spelling in (f"0{pk}", f"+{pk}", f"%20{pk}", fullwidth, arabic_indic):
            for path in (f"/users/{spelling}/", f"/users/{spelling}/identities/"):
                response = self.get(path)
                assert response.status_code == 404, path
                assert error_code(response) == "user_not_found"


class WrongMethodTests(TestCase):
    """A wrong method gets the JSON error shape, never Django's HTML CSRF page."""

    def test_every_internal_endpoint_answers_a_wrong_method_in_the_error_shape(self) -> None:
        user = make_user("alice", is_test_user=True)
        identity = make_identity(user, "Chef")
        client = Client(enforce_csrf_checks=True)
        for method, path in (
            ("post", f"/users/{user.pk}/"),
            ("delete", f"/users/{user.pk}/identities/"),
            ("post", "/test-users/"),
            ("put", f"/identities/{identity.pk}/"),
            ("get", f"/identities/{identity.pk}/image/"),
        ):
            response = getattr(client, method)(BASE + path, headers=AUTH)
            assert response.status_code == 405, (method, path)
            assert response["Content-Type"] == "application/json", (method, path)
            assert error_code(response) == "method_not_allowed"
