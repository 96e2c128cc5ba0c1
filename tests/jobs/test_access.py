"""Who may act on which job (`logic.access`), and the caller checks the API makes on top
of the authorizer: an expired token, a demoted or deactivated admin."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from identity_images.adapters import aws
from identity_images.adapters.job_store import JobStore
from identity_images.domain import HostUser
from identity_images.settings import Settings, get_settings
from local_stack.aws_resources import Resources
from tests.jobs.helpers import REF, foreign_job, generation_body, succeed
from tests.support.aws_state import job_count, messages_in, put_reference
from tests.support.fakes import (
    ADMIN_ID,
    ADMIN_IDENTITY,
    OTHER_ADMIN_ID,
    OTHER_ADMIN_IDENTITY,
    TEST_USER_ID,
    TEST_USER_IDENTITY,
    FakeHost,
)
from tests.support.lambdas import call_api

pytestmark = pytest.mark.usefixtures("api_app")


def _succeeded_job(settings: Settings, **overrides: Any) -> dict[str, Any]:
    put_reference(REF)
    status, job, _ = call_api("POST", "/v1/generations", body=generation_body(**overrides))
    assert status == 202, job
    succeed(JobStore.from_settings(settings), job["id"])
    aws.sqs().purge_queue(QueueUrl=settings.jobs_queue_url or "")
    created: dict[str, Any] = job
    return created


# --- another admin's own identity ------------------------------------------------------
def test_another_admin_cannot_read_list_or_apply_my_own_identity_jobs(
    resources: Resources, settings: Settings
) -> None:
    job = _succeeded_job(settings)

    status, body, _ = call_api("GET", f"/v1/generations/{job['id']}", caller=OTHER_ADMIN_ID)
    assert (status, body["error"]["code"]) == (403, "forbidden")
    assert "X-Amz-Signature" not in json.dumps(body)  # no output URL handed out
    assert "generated/" not in json.dumps(body)

    status, body, _ = call_api(
        "GET", "/v1/generations", query={"identity_id": ADMIN_IDENTITY}, caller=OTHER_ADMIN_ID
    )
    assert (status, body["error"]["code"]) == (403, "forbidden")

    status, body, _ = call_api("POST", f"/v1/generations/{job['id']}/apply", caller=OTHER_ADMIN_ID)
    assert (status, body["error"]["code"]) == (403, "forbidden")
    assert JobStore.from_settings(settings).require(job["id"]).apply.status == "not_requested"
    assert messages_in(resources.jobs_queue_url) == 0

    # The owner still can.
    status, mine, _ = call_api("GET", f"/v1/generations/{job['id']}")
    assert status == 200
    assert mine["output"]["url"]


def test_any_admin_may_act_on_a_test_users_jobs(settings: Settings) -> None:
    job = _succeeded_job(settings, user_id=TEST_USER_ID, identity_id=TEST_USER_IDENTITY)
    status, seen, _ = call_api("GET", f"/v1/generations/{job['id']}", caller=OTHER_ADMIN_ID)
    assert status == 200
    assert seen["output"]["url"]
    status, page, _ = call_api(
        "GET",
        "/v1/generations",
        query={"identity_id": TEST_USER_IDENTITY},
        caller=OTHER_ADMIN_ID,
    )
    assert status == 200
    assert [j["id"] for j in page["items"]] == [job["id"]]
    status, applied, _ = call_api(
        "POST", f"/v1/generations/{job['id']}/apply", caller=OTHER_ADMIN_ID
    )
    assert (status, applied["apply"]["status"]) == (202, "pending")


def test_a_job_whose_owner_stopped_being_a_test_user_is_forbidden(
    settings: Settings, host: FakeHost
) -> None:
    job = _succeeded_job(settings, user_id=TEST_USER_ID, identity_id=TEST_USER_IDENTITY)
    host.users[TEST_USER_ID] = HostUser(id=TEST_USER_ID, username="tester")
    status, body, _ = call_api("GET", f"/v1/generations/{job['id']}", caller=OTHER_ADMIN_ID)
    assert (status, body["error"]["code"]) == (403, "forbidden")


# --- an identity that changed owner ----------------------------------------------------
def _move(host: FakeHost, identity_id: str, to_user: str) -> None:
    """The host gives the identity to another user (its jobs keep their recorded owner)."""
    host.identities[identity_id] = host.identities[identity_id].model_copy(
        update={"user_id": to_user}
    )


def test_after_a_test_users_identity_moved_to_another_admin_its_old_jobs_change_nothing(
    resources: Resources, settings: Settings, host: FakeHost
) -> None:
    """The old job's recorded owner is still the test user, so it stays visible; but
    applying, re-running or refining it would change (or make jobs of) the other admin's
    identity now: refused, and nothing is written or queued."""
    job = _succeeded_job(settings, user_id=TEST_USER_ID, identity_id=TEST_USER_IDENTITY)
    _move(host, TEST_USER_IDENTITY, OTHER_ADMIN_ID)
    jobs_before = job_count()

    for action, body in (("apply", None), ("rerun", {}), ("refine", {"instruction": "Warmer"})):
        status, refused, _ = call_api("POST", f"/v1/generations/{job['id']}/{action}", body=body)
        assert status == 403, (action, refused)
        assert refused["error"]["code"] == "forbidden"
    assert job_count() == jobs_before
    assert messages_in(resources.jobs_queue_url) == 0
    assert JobStore.from_settings(settings).require(job["id"]).apply.status == "not_requested"

    assert call_api("GET", f"/v1/generations/{job['id']}")[0] == 200  # still visible

    # Its new owner may; the new jobs record the identity's owner now, not the parent's.
    status, batch, _ = call_api(
        "POST", f"/v1/generations/{job['id']}/rerun", body={}, caller=OTHER_ADMIN_ID
    )
    assert status == 202, batch
    assert {item["user_id"] for item in batch["items"]} == {OTHER_ADMIN_ID}
    assert call_api("GET", f"/v1/generations/{batch['items'][0]['id']}")[0] == 403


def test_after_an_admins_identity_moved_to_a_test_user_the_list_shows_only_what_get_shows(
    resources: Resources, host: FakeHost
) -> None:
    """The other admin's old jobs of the identity stay theirs: GET refuses them, so the
    history leaves them out; jobs made since (the test user's) are listed."""
    foreign = [foreign_job() for _ in range(3)]
    _move(host, OTHER_ADMIN_IDENTITY, TEST_USER_ID)
    put_reference(REF)
    status, mine, _ = call_api(
        "POST",
        "/v1/generations",
        body=generation_body(user_id=TEST_USER_ID, identity_id=OTHER_ADMIN_IDENTITY),
    )
    assert status == 202, mine
    assert mine["user_id"] == TEST_USER_ID

    reads = host.user_reads
    status, page, _ = call_api(
        "GET", "/v1/generations", query={"identity_id": OTHER_ADMIN_IDENTITY}
    )
    assert status == 200, page
    assert [j["id"] for j in page["items"]] == [mine["id"]]
    # The identity's owner, then each of the jobs' two other owners (the test user, the
    # other admin) once, not once per job.
    assert host.user_reads - reads == 3

    for job in foreign:
        status, body, _ = call_api("GET", f"/v1/generations/{job.id}")
        assert (status, body["error"]["code"]) == (403, "forbidden")


# --- identity ids cannot be probed -----------------------------------------------------
UNKNOWN_IDENTITY = "404404"


def _identity_routes(identity_id: str) -> list[tuple[str, str, Any, dict[str, str] | None]]:
    """Every route that takes an identity id from the request: (method, path, body, query)."""
    references = f"/v1/identities/{identity_id}/references"
    upload = {"files": [{"content_type": "image/jpeg", "size": 10}]}
    return [
        ("POST", "/v1/generations", generation_body(identity_id=identity_id), None),
        ("POST", "/v1/generation-batches", generation_body(identity_id=identity_id), None),
        ("GET", "/v1/generations", None, {"identity_id": identity_id}),
        ("POST", references, upload, None),
        ("GET", references, None, None),
        ("DELETE", f"{references}/r1", None, None),
    ]


@pytest.mark.parametrize(
    "route", range(6), ids=["create", "variants", "history", "upload", "list", "delete"]
)
def test_an_unknown_identity_is_answered_as_another_admins(
    resources: Resources, route: int
) -> None:
    """An unknown identity was 404 `identity_not_found` where another admin's was 403, so
    any admin could tell which identity ids exist (as `GET /v1/users/{id}/identities`
    already refused to tell of user ids). Both are now the same 403 `forbidden`, with the
    same words, the id as sent."""
    put_reference(REF)
    answers = []
    for identity_id in (OTHER_ADMIN_IDENTITY, UNKNOWN_IDENTITY):
        method, path, body, query = _identity_routes(identity_id)[route]
        status, answer, _ = call_api(method, path, body=body, query=query)
        error = answer["error"]
        answers.append(
            (status, error["code"], error["message"].replace(identity_id, "{id}"), error["details"])
        )
        assert error["details"]["identity_id"] == identity_id
    assert answers[0][:2] == (403, "forbidden")
    assert answers[0][:3] == answers[1][:3]
    assert answers[0][3].keys() == answers[1][3].keys()
    assert job_count() == 0
    assert messages_in(resources.jobs_queue_url) == 0


def test_saving_a_job_whose_identity_was_deleted_is_still_404_identity_not_found(
    resources: Resources, settings: Settings, host: FakeHost
) -> None:
    """The caller may see the job, which names the identity: a 404 tells them nothing of
    other ids, and the tab says "the identity was deleted in the host app" for it."""
    job = _succeeded_job(settings)
    del host.identities[ADMIN_IDENTITY]
    for action, body in (("apply", None), ("rerun", {}), ("refine", {"instruction": "Warmer"})):
        status, refused, _ = call_api("POST", f"/v1/generations/{job['id']}/{action}", body=body)
        assert (status, refused["error"]["code"]) == (404, "identity_not_found"), action
    assert messages_in(resources.jobs_queue_url) == 0


# --- expired tokens --------------------------------------------------------------------
def test_a_caller_whose_token_expired_is_401_even_if_the_gateway_cached_the_allow(
    resources: Resources,
) -> None:
    expired = {"exp": str(int(time.time()) - 60)}
    status, body, _ = call_api("GET", "/v1/users", authorizer_extra=expired)
    assert (status, body["error"]["code"]) == (401, "unauthorized")
    status, body, _ = call_api(
        "POST", "/v1/generations", body=generation_body(), authorizer_extra=expired
    )
    assert (status, body["error"]["code"]) == (401, "unauthorized")
    fresh = {"exp": str(int(time.time()) + 600)}
    status, _, _ = call_api("GET", "/v1/users", authorizer_extra=fresh)
    assert status == 200


# --- demoted and deactivated admins ----------------------------------------------------
def test_a_demoted_admin_cannot_write_at_once_and_reads_end_after_the_ttl(
    resources: Resources, host: FakeHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_reference(REF)
    assert call_api("GET", "/v1/users")[0] == 200  # the host said yes: remembered
    host.users[ADMIN_ID] = HostUser(id=ADMIN_ID, username="admin", is_staff=False)

    status, body, _ = call_api("POST", "/v1/generations", body=generation_body())
    assert (status, body["error"]["code"]) == (403, "forbidden")
    # The refusal forgot the yes: reads are refused at once too.
    status, body, _ = call_api("GET", "/v1/users")
    assert (status, body["error"]["code"]) == (403, "forbidden")


def test_reads_trust_the_last_yes_for_the_ttl_only(
    resources: Resources, host: FakeHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert call_api("GET", "/v1/users")[0] == 200
    reads = host.user_reads
    assert call_api("GET", "/v1/generations/0123abcd")[0] == 404  # reads no user itself
    assert host.user_reads == reads  # the caller check was served from the cache
    host.users[ADMIN_ID] = HostUser(id=ADMIN_ID, username="admin", is_staff=False)
    # Within the TTL a read still passes (what docs/security.md says remains) ...
    assert call_api("GET", "/v1/generations", query={"identity_id": ADMIN_IDENTITY})[0] == 200
    # ... and with no TTL it does not.
    monkeypatch.setenv("CALLER_CHECK_TTL_S", "0")
    get_settings.cache_clear()
    status, body, _ = call_api("GET", "/v1/generations", query={"identity_id": ADMIN_IDENTITY})
    assert (status, body["error"]["code"]) == (403, "forbidden")


def test_a_deactivated_or_deleted_admin_is_401(resources: Resources, host: FakeHost) -> None:
    host.users[ADMIN_ID] = HostUser(id=ADMIN_ID, username="admin", is_staff=True, is_active=False)
    status, body, _ = call_api(
        "POST", "/v1/uploads", body={"files": [{"content_type": "image/jpeg", "size": 10}]}
    )
    assert (status, body["error"]["code"]) == (401, "unauthorized")
    del host.users[ADMIN_ID]
    status, body, _ = call_api("GET", "/v1/users")
    assert (status, body["error"]["code"]) == (401, "unauthorized")
