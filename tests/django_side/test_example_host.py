"""The example host: JWT login, who-am-I, the seed command."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from typing import Any

import jwt
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase, override_settings

from example_host.people import tokens
from example_host.people.models import Identity
from example_host.people.seed import identity_id
from identity_images.logic.auth import JwtIdentity, UnauthenticatedError
from tests.django_side.factories import make_user

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/users/me/"


class TokenTests(TestCase):
    def setUp(self) -> None:
        self.admin = make_user("ada", password="ada-password", is_staff=True)
        self.member = make_user("max", password="max-password")

    def login(self, body: Any) -> Any:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.client.post(TOKEN_URL, raw, content_type="application/json")

    def test_good_credentials_get_a_jwt_with_the_authorizers_claims(self) -> None:
        response = self.login({"username": "ada", "password": "ada-password"})
        assert response.status_code == 200
        token = response.json()["access"]
        claims = jwt.decode(token, settings.JWT_SECRET, algorithms=["HS256"])
        assert claims["user_id"] == str(self.admin.pk)
        assert claims["username"] == "ada"
        assert claims["is_staff"] is True
        assert claims["exp"] - claims["iat"] == settings.JWT_LIFETIME_S

    def test_the_pipelines_authorizer_accepts_the_token(self) -> None:
        identity = JwtIdentity(algorithms=frozenset({"HS256"}), secret=lambda: settings.JWT_SECRET)
        for username, password, is_staff in (
            ("ada", "ada-password", True),
            ("max", "max-password", False),
        ):
            token = self.login({"username": username, "password": password}).json()["access"]
            caller = identity.identify(f"Bearer {token}")
            assert caller.username == username
            assert caller.is_staff is is_staff

    def test_a_token_signed_elsewhere_is_refused_by_the_authorizer(self) -> None:
        identity = JwtIdentity(algorithms=frozenset({"HS256"}), secret=lambda: "x" * 40)
        token = self.login({"username": "ada", "password": "ada-password"}).json()["access"]
        with pytest.raises(UnauthenticatedError):
            identity.identify(f"Bearer {token}")

    def test_bad_credentials_are_401(self) -> None:
        for body in (
            {"username": "ada", "password": "wrong"},
            {"username": "nobody", "password": "ada-password"},
        ):
            response = self.login(body)
            assert response.status_code == 401
            assert response.json()["error"]["code"] == "unauthorized"

    def test_an_inactive_user_gets_no_token(self) -> None:
        User.objects.filter(pk=self.admin.pk).update(is_active=False)
        assert self.login({"username": "ada", "password": "ada-password"}).status_code == 401

    def test_a_malformed_request_is_400(self) -> None:
        for body in (b"not json", {"username": "ada"}, {"username": "", "password": "x"}, b"[]"):
            response = self.login(body)
            assert response.status_code == 400, body
            assert response.json()["error"]["code"] == "validation_error"

    def test_only_post(self) -> None:
        assert self.client.get(TOKEN_URL).status_code == 405

    @override_settings(JWT_ISSUER="https://host.example", JWT_AUDIENCE="identity-images")
    def test_issuer_and_audience_are_set_when_configured(self) -> None:
        token = self.login({"username": "ada", "password": "ada-password"}).json()["access"]
        claims = jwt.decode(
            token,
            settings.JWT_SECRET,
            algorithms=["HS256"],
            issuer="https://host.example",
            audience="identity-images",
        )
        assert claims["iss"] == "https://host.example"
        me = self.client.get(ME_URL, headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200


class MeTests(TestCase):
    def setUp(self) -> None:
        self.admin = make_user("ada", is_staff=True, full_name="Ada Lovelace")

    def me(self, header: str | None) -> Any:
        return self.client.get(ME_URL, headers={} if header is None else {"Authorization": header})

    def test_a_valid_token_names_the_caller(self) -> None:
        response = self.me(f"Bearer {tokens.issue(self.admin)}")
        assert response.status_code == 200
        body = response.json()
        assert body["id"] == str(self.admin.pk)
        assert body["username"] == "ada"
        assert body["is_staff"] is True
        assert body["display_name"] == "Ada Lovelace"

    def test_no_or_bad_tokens_are_401(self) -> None:
        now = int(time.time())
        expired = tokens.issue(self.admin, now=now - 2 * settings.JWT_LIFETIME_S)
        forged = jwt.encode(
            {"user_id": str(self.admin.pk), "is_staff": True, "iat": now, "exp": now + 60},
            "another-secret-that-is-long-enough-for-hs256",
            algorithm="HS256",
        )
        unsigned = jwt.encode(
            {"user_id": str(self.admin.pk), "iat": now, "exp": now + 60}, "", algorithm="none"
        )
        for header in (
            None,
            "",
            "Bearer",
            "Basic abc",
            f"Bearer {expired}",
            f"Bearer {forged}",
            f"Bearer {unsigned}",
        ):
            response = self.me(header)
            assert response.status_code == 401, header
            assert response.json()["error"]["code"] == "unauthorized"

    def test_a_token_of_a_deleted_or_inactive_user_is_401(self) -> None:
        token = tokens.issue(self.admin)
        User.objects.filter(pk=self.admin.pk).update(is_active=False)
        assert self.me(f"Bearer {token}").status_code == 401
        User.objects.filter(pk=self.admin.pk).delete()
        assert self.me(f"Bearer {token}").status_code == 401


class SeedTests(TestCase):
    def seed(self) -> str:
        out = io.StringIO()
        call_command("seed_identity_images", stdout=out)
        return out.getvalue()

    def test_seed_creates_the_documented_accounts(self) -> None:
        self.seed()
        admin = User.objects.get(username="admin")
        member = User.objects.get(username="member")
        assert admin.is_staff
        assert admin.check_password("admin-password")
        assert not member.is_staff
        assert member.check_password("member-password")
        test_users = User.objects.filter(profile__is_test_user=True).order_by("username")
        assert [u.username for u in test_users] == ["test-alice", "test-bob"]
        for user in test_users:
            names = list(Identity.objects.filter(user=user).values_list("name", flat=True))
            assert len(names) == 2
            assert all(i.description for i in Identity.objects.filter(user=user))
        assert not Identity.objects.filter(user__in=[admin, member]).exists()

    def test_seed_is_idempotent_and_ids_are_stable(self) -> None:
        first = self.seed()
        ids = sorted(str(pk) for pk in Identity.objects.values_list("pk", flat=True))
        users = sorted(User.objects.values_list("pk", "username"))
        User.objects.filter(username="admin").update(password="")  # a changed password
        second = self.seed()
        assert "created" in first
        assert "created" not in second
        assert sorted(str(pk) for pk in Identity.objects.values_list("pk", flat=True)) == ids
        assert sorted(User.objects.values_list("pk", "username")) == users
        assert User.objects.get(username="admin").check_password("admin-password")
        assert str(identity_id("test-alice", "Alice the chef")) in ids


class ExampleHostDebugTests(SimpleTestCase):
    """DEBUG is off unless asked, and only a local run may ask; 404s are JSON."""

    def test_an_unknown_url_is_json_in_the_error_shape(self) -> None:
        response = self.client.get("/internal/identity-images/identities/../../users/1/")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["error"]["code"] == "not_found"
        assert b"urlpatterns" not in response.content

    def test_debug_is_off_by_default_and_refused_outside_a_local_run(self) -> None:
        def settings_with(**env: str) -> subprocess.CompletedProcess[str]:
            clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
            return subprocess.run(
                [sys.executable, "-c", "import example_host.settings as s; print(s.DEBUG)"],
                env={**clean, **env},
                capture_output=True,
                text=True,
                check=False,
            )

        assert settings_with().stdout.strip() == "False"
        refused = settings_with(DJANGO_DEBUG="1")
        assert refused.returncode != 0
        assert "local runs only" in refused.stderr
        local = settings_with(DJANGO_DEBUG="1", DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost")
        assert local.stdout.strip() == "True", local.stderr
