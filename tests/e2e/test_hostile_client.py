"""Over HTTP, against `identity-images serve`: what a hostile or careless client tried
(issue 10). Every answer is a 4xx in the error shape and changes nothing; one admin never
sees another admin's own jobs; a demoted admin cannot write."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import RunningStack
from tests.e2e.helpers import login, photo, upload, wait_for

pytestmark = pytest.mark.e2e

ORIGIN = "http://localhost:5173"


def _django_shell(stack: RunningStack, code: str) -> str:
    """Run `code` in the example host's `manage.py shell`, on the running stack's database."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "example_host.settings",
        "DATABASE_PATH": str(stack.data_dir / "example_host.sqlite3"),
    }
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-m", "django", "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # The last line: `shell` may print a banner (auto-imported objects) first.
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def _make_admin(stack: RunningStack, username: str) -> str:
    """A second admin with one identity of their own; the identity's id."""
    return _django_shell(
        stack,
        "from django.contrib.auth.models import User\n"
        "from example_host.people.models import Identity, Profile\n"
        f"u, _ = User.objects.get_or_create(username={username!r})\n"
        "u.is_staff = True; u.is_active = True\n"
        f"u.set_password({username + '-password'!r}); u.save()\n"
        "Profile.objects.update_or_create(user=u, defaults={'is_test_user': False})\n"
        "i, _ = Identity.objects.get_or_create(user=u, name='Own')\n"
        "print(i.pk)",
    )


def _client(stack: RunningStack, username: str) -> httpx.Client:
    token = login(stack, username, f"{username}-password")
    return httpx.Client(
        base_url=f"{stack.api_url}/v1",
        headers={"Authorization": f"Bearer {token}", "Origin": ORIGIN},
        timeout=60,
    )


def _refused(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error"]["code"] == code, body
    assert set(body["error"]) == {"code", "message", "details"}
    return body


@pytest.fixture(scope="module")
def admin(stack: RunningStack) -> httpx.Client:
    return _client(stack, "admin")


def _own_identity_and_user(admin: httpx.Client) -> tuple[str, str]:
    users = admin.get("/users").json()["users"]
    alice = next(u for u in users if u["username"] == "test-alice")
    identity = admin.get(f"/users/{alice['id']}/identities").json()["identities"][0]
    return alice["id"], identity["id"]


def test_bad_bodies_are_4xx_in_the_error_shape(admin: httpx.Client) -> None:
    user_id, identity_id = _own_identity_and_user(admin)
    good: dict[str, Any] = {
        "identity_id": identity_id,
        "user_id": user_id,
        "reference_keys": ["uploads/1/x/1.jpg"],
        "image_size": "1K",
    }
    as_text = admin.post(
        "/generations", content=json.dumps(good), headers={"Content-Type": "text/plain"}
    )
    _refused(as_text, 415, "unsupported_media_type")
    json_type = {"Content-Type": "application/json"}
    _refused(
        admin.post("/generations", content="[" * 50_000, headers=json_type), 422, "validation_error"
    )
    _refused(
        admin.post("/generations", content=b'{"prompt": "\xff\xfe"}', headers=json_type),
        422,
        "validation_error",
    )
    surrogate = json.dumps({**good, "prompt": "x"}).replace('"x"', '"\\ud800"')
    _refused(
        admin.post("/generations", content=surrogate, headers=json_type), 422, "validation_error"
    )
    for apply in ("yes", "true", 1):
        _refused(admin.post("/generations", json={**good, "apply": apply}), 422, "validation_error")
    for prompt in ("a\x00b", "\x1b[31mred", "abc\u202edcba", "a\U000e0041", "a\u200bb"):
        body = _refused(
            admin.post("/generations", json={**good, "prompt": prompt}),
            422,
            "character_not_allowed",
        )
        assert body["error"]["details"]["field"] == "prompt"


def test_ids_that_would_walk_djangos_urls_are_422(admin: httpx.Client) -> None:
    user_id, identity_id = _own_identity_and_user(admin)
    base = {"reference_keys": ["uploads/1/x/1.jpg"], "image_size": "1K"}
    for bad in (
        {"user_id": "3/identities", "identity_id": identity_id},
        {"user_id": user_id, "identity_id": "../../users/1"},
    ):
        body = _refused(admin.post("/generations", json={**base, **bad}), 422, "validation_error")
        text = json.dumps(body)
        assert "<" not in text  # no HTML page of the host
        assert "Errno" not in text
    _refused(
        admin.get("/generations", params={"identity_id": "../../users/1"}), 422, "validation_error"
    )


def test_a_path_id_that_is_no_id_is_422_over_http(admin: httpx.Client) -> None:
    """They were 404 `not_found` (the router matched no route), `%0A` the authorizer's 403."""
    for raw in ("%22", "%00", "%FF", "%E2%80%AE", "%F0%9F%91%A9", "a%2Fb", "a%0Ab"):
        body = _refused(admin.get(f"/generations/{raw}"), 422, "validation_error")
        assert body["error"]["details"]["field"] == "generation_id", raw
    body = _refused(admin.get("/users/%22/identities"), 422, "validation_error")
    assert body["error"]["details"]["field"] == "user_id"
    _refused(admin.get("/no-such-route"), 404, "not_found")


def test_a_method_the_path_does_not_take_is_405_with_allow(admin: httpx.Client) -> None:
    """Through the gateway's `ANY /v1/{proxy+}`: they were 404 `not_found`."""
    head = admin.head("/config")
    assert (head.status_code, head.headers["allow"]) == (405, "GET")
    for method, path, allowed in (
        ("PUT", "/config", "GET"),
        ("DELETE", "/generations", "GET, POST"),
    ):
        response = admin.request(method, path)
        _refused(response, 405, "method_not_allowed")
        assert response.headers["allow"] == allowed
        assert response.headers["access-control-allow-origin"] == ORIGIN


def test_a_body_over_the_gateways_limit_is_a_json_413_with_cors(admin: httpx.Client) -> None:
    response = admin.post(
        "/uploads",
        content=b"{" + b" " * (10 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert set(response.json()["error"]) == {"code", "message", "details"}
    assert response.json()["error"]["code"] == "payload_too_large"


def test_an_unknown_identity_is_answered_as_another_admins(
    stack: RunningStack, admin: httpx.Client
) -> None:
    """The host answers 404 for an unknown identity; the API said so (404
    `identity_not_found`) where another admin's identity is 403, which told any admin
    which identity ids exist. Both are the same 403 now."""
    theirs = _make_admin(stack, "hedy")
    keys = upload(admin, [photo(2)])
    answers = []
    for identity_id in (theirs, "987654321"):
        for response in (
            admin.post("/generations", json={"identity_id": identity_id, "reference_keys": keys}),
            admin.get("/generations", params={"identity_id": identity_id}),
            admin.get(f"/identities/{identity_id}/references"),
        ):
            error = _refused(response, 403, "forbidden")["error"]
            answers.append(error["message"].replace(identity_id, "{id}"))
    assert answers[:3] == answers[3:]


def test_an_admin_cannot_see_or_apply_another_admins_own_jobs_and_a_demoted_admin_cannot_write(
    stack: RunningStack, admin: httpx.Client
) -> None:
    own_identity = _make_admin(stack, "grace")
    with _client(stack, "grace") as grace:
        keys = upload(grace, [photo(2)])
        created = grace.post(
            "/generations",
            json={"identity_id": own_identity, "reference_keys": keys, "image_size": "1K"},
        )
        assert created.status_code == 202, created.text
        job_id = created.json()["id"]
        wait_for(
            "grace's job",
            lambda: grace.get(f"/generations/{job_id}").json()["status"] == "succeeded",
        )
        assert grace.get(f"/generations/{job_id}").json()["output"]["url"]

        seen = admin.get(f"/generations/{job_id}")
        _refused(seen, 403, "forbidden")
        assert "X-Amz-Signature" not in seen.text
        _refused(admin.get("/generations", params={"identity_id": own_identity}), 403, "forbidden")
        _refused(admin.post(f"/generations/{job_id}/apply"), 403, "forbidden")
        assert grace.get(f"/generations/{job_id}").json()["apply"]["status"] == "not_requested"

        # Demoted while the token (and the gateway's cached Allow) is still good.
        _django_shell(
            stack,
            "from django.contrib.auth.models import User\n"
            "User.objects.filter(username='grace').update(is_staff=False)",
        )
        _refused(grace.post(f"/generations/{job_id}/apply"), 403, "forbidden")
        _refused(
            grace.post("/uploads", json={"files": [{"content_type": "image/jpeg", "size": 10}]}),
            403,
            "forbidden",
        )
