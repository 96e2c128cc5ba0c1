"""Cancel, `POST /v1/generations/{id}/cancel` (the generations router,
`handlers/routes/generations.py`): a queued job is canceled for good (and its pending
apply failed), a running or finished one is refused, and who may cancel whose job."""

from __future__ import annotations

import pytest

from local_stack.aws_resources import Resources
from tests.jobs.helpers import (
    REF,
    create_one,
    foreign_job,
    generation_body,
    store,
    succeed_with_preview,
)
from tests.support.aws_state import put_reference
from tests.support.fakes import ADMIN_IDENTITY, OTHER_ADMIN_ID, TEST_USER_ID, TEST_USER_IDENTITY
from tests.support.lambdas import call_api

pytestmark = pytest.mark.usefixtures("api_app")


def test_cancel_a_queued_job_and_again(resources: Resources) -> None:
    job = create_one()
    status, canceled, _ = call_api("POST", f"/v1/generations/{job['id']}/cancel")
    assert status == 200
    assert canceled["status"] == "canceled"
    assert canceled["canceled_at"] is not None
    assert store().claim(job["id"]) is None  # a worker can never take it
    status, again, _ = call_api("POST", f"/v1/generations/{job['id']}/cancel")
    assert (status, again["status"]) == (200, "canceled")
    _, page, _ = call_api("GET", "/v1/generations", query={"identity_id": ADMIN_IDENTITY})
    assert [(j["id"], j["status"]) for j in page["items"]] == [(job["id"], "canceled")]


def test_cancel_fails_a_pending_apply_with_the_job(resources: Resources) -> None:
    put_reference(REF)
    _, job, _ = call_api("POST", "/v1/generations", body=generation_body(apply=True))
    _, canceled, _ = call_api("POST", f"/v1/generations/{job['id']}/cancel")
    assert canceled["apply"]["status"] == "failed"
    assert canceled["apply"]["error"]["code"] == "generation_not_ready"
    assert "canceled" in canceled["apply"]["error"]["message"]


def test_cancel_of_a_running_job_is_409_generation_running(resources: Resources) -> None:
    job = create_one()
    assert store().claim(job["id"]) is not None
    status, body, _ = call_api("POST", f"/v1/generations/{job['id']}/cancel")
    assert (status, body["error"]["code"]) == (409, "generation_running")
    assert store().require(job["id"]).status == "running"


def test_cancel_of_a_finished_job_is_409_generation_finished(resources: Resources) -> None:
    job = create_one()
    succeed_with_preview(job["id"])
    status, body, _ = call_api("POST", f"/v1/generations/{job['id']}/cancel")
    assert (status, body["error"]["code"]) == (409, "generation_finished")
    assert store().require(job["id"]).status == "succeeded"


def test_cancel_of_another_admins_job_is_forbidden(resources: Resources) -> None:
    job = foreign_job()
    status, body, _ = call_api("POST", f"/v1/generations/{job.id}/cancel")
    assert (status, body["error"]["code"]) == (403, "forbidden")
    assert store().require(job.id).status == "queued"


def test_cancel_of_a_test_users_job_by_any_admin(resources: Resources) -> None:
    put_reference(REF)
    _, job, _ = call_api(
        "POST",
        "/v1/generations",
        body=generation_body(identity_id=TEST_USER_IDENTITY, user_id=TEST_USER_ID),
    )
    status, body, _ = call_api("POST", f"/v1/generations/{job['id']}/cancel", caller=OTHER_ADMIN_ID)
    assert (status, body["status"]) == (200, "canceled")


def test_cancel_of_an_unknown_job_is_404(resources: Resources) -> None:
    status, body, _ = call_api("POST", "/v1/generations/nope/cancel")
    assert (status, body["error"]["code"]) == (404, "generation_not_found")
