"""The generations router (`handlers/routes/generations.py`): create, idempotency,
read, history and apply, through `handlers.api.handler` with moto behind. The Images
tab's routes of the same router have their own files: `test_api_variants.py`,
`test_api_cancel.py`, `test_api_refine.py`, `test_api_rerun.py`, and a succeeded
generation's URLs in `test_api_generation_urls.py`."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from identity_images.adapters import aws
from identity_images.adapters.job_queue import JobQueue
from identity_images.adapters.job_store import JobStore
from identity_images.handlers import api
from identity_images.handlers.routes import deps
from identity_images.settings import Settings
from local_stack.aws_resources import Resources
from tests.jobs.helpers import REF, generation_body, succeed
from tests.support.aws_state import bodies, job_count, messages_in, put_reference
from tests.support.fakes import (
    ADMIN_ID,
    ADMIN_IDENTITY,
    OTHER_ADMIN_ID,
    OTHER_USER_ID,
    OTHER_USER_IDENTITY,
    TEST_USER_ID,
    TEST_USER_IDENTITY,
)
from tests.support.lambdas import call_api, receive_event

pytestmark = pytest.mark.usefixtures("api_app")


# --- create ----------------------------------------------------------------------------
def test_create_writes_a_queued_job_and_queues_it(resources: Resources) -> None:
    put_reference(REF)
    status, job, _ = call_api("POST", "/v1/generations", body=generation_body(apply=True))
    assert status == 202
    assert job["status"] == "queued"
    assert job["user_id"] == ADMIN_ID
    assert job["created_by"] == ADMIN_ID
    assert job["apply"]["status"] == "pending"
    assert job["reference_keys"] == [REF]
    assert job_count() == 1
    assert bodies(receive_event(resources.jobs_queue_url)) == [
        {"job_id": job["id"], "action": "generate"}
    ]


def test_create_for_a_test_user(resources: Resources) -> None:
    put_reference(REF)
    status, job, _ = call_api(
        "POST",
        "/v1/generations",
        body=generation_body(user_id=TEST_USER_ID, identity_id=TEST_USER_IDENTITY),
    )
    assert status == 202
    assert job["user_id"] == TEST_USER_ID
    assert job["created_by"] == ADMIN_ID


def test_defaults_come_from_the_settings(resources: Resources) -> None:
    put_reference(REF)
    body = generation_body()
    del body["aspect_ratio"], body["image_size"]
    status, job, _ = call_api("POST", "/v1/generations", body=body)
    assert status == 202
    assert (job["aspect_ratio"], job["image_size"]) == ("16:9", "4K")


INVALID_CASES: list[tuple[str, dict[str, Any], int, str, str]] = [
    ("bad-aspect-ratio", {"aspect_ratio": "7:3"}, 422, "validation_error", "aspect_ratio"),
    ("bad-image-size", {"image_size": "8K"}, 422, "validation_error", "image_size"),
    ("prompt-too-long", {"prompt": "x" * 2001}, 422, "validation_error", "prompt"),
    ("unknown-field", {"colour": "red"}, 422, "validation_error", "colour"),
    ("no-references", {"reference_keys": []}, 422, "validation_error", "reference_keys"),
    (
        "too-many-references",
        {"reference_keys": [f"uploads/{ADMIN_ID}/up1/{n}.jpg" for n in range(6)]},
        422,
        "validation_error",
        "reference_keys",
    ),
    (
        "outside-own-prefix",
        {"reference_keys": [f"uploads/{OTHER_USER_ID}/up1/1.jpg"]},
        422,
        "reference_invalid",
        "reference_keys",
    ),
    (
        "generated-prefix",
        {"reference_keys": ["generated/identities/11/x.png"]},
        422,
        "reference_invalid",
        "reference_keys",
    ),
    (
        "missing-object",
        {"reference_keys": [f"uploads/{ADMIN_ID}/up1/missing.jpg"]},
        422,
        "reference_not_found",
        "reference_keys",
    ),
    (
        "too-large-object",
        {"reference_keys": [f"uploads/{ADMIN_ID}/up1/big.jpg"]},
        422,
        "reference_invalid",
        "reference_keys",
    ),
    (
        "object-not-an-image",
        {"reference_keys": [f"uploads/{ADMIN_ID}/up1/notes.txt"]},
        422,
        "reference_invalid",
        "reference_keys",
    ),
    (
        "identity-of-another-user",
        {"identity_id": OTHER_USER_IDENTITY},
        403,
        "forbidden",
        "identity_id",
    ),
    (
        "user-not-a-test-user",
        {"user_id": OTHER_USER_ID, "identity_id": OTHER_USER_IDENTITY},
        403,
        "forbidden",
        "user_id",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "status", "code", "field"),
    [case[1:] for case in INVALID_CASES],
    ids=[case[0] for case in INVALID_CASES],
)
def test_invalid_create_is_refused_and_changes_nothing(
    resources: Resources,
    monkeypatch: pytest.MonkeyPatch,
    overrides: dict[str, Any],
    status: int,
    code: str,
    field: str,
) -> None:
    monkeypatch.setenv("REFERENCE_MAX_BYTES", "2000")
    from identity_images.settings import get_settings

    get_settings.cache_clear()
    put_reference(REF, b"\xff\xd8small")
    put_reference(f"uploads/{ADMIN_ID}/up1/big.jpg", b"\xff" * 2001)
    put_reference(f"uploads/{ADMIN_ID}/up1/notes.txt", b"hello", content_type="text/plain")
    put_reference(f"uploads/{OTHER_USER_ID}/up1/1.jpg", b"\xff\xd8small")
    answer, body, _ = call_api("POST", "/v1/generations", body=generation_body(**overrides))
    assert answer == status, body
    assert body["error"]["code"] == code
    assert body["error"]["details"]["field"] == field
    assert body["error"]["message"]
    assert job_count() == 0
    assert messages_in(resources.jobs_queue_url) == 0


def test_unknown_identity_is_403_as_another_users(resources: Resources) -> None:
    put_reference(REF)
    status, body, _ = call_api("POST", "/v1/generations", body=generation_body(identity_id="99"))
    assert (status, body["error"]["code"]) == (403, "forbidden")
    assert body["error"]["details"] == {"field": "identity_id", "identity_id": "99"}
    assert job_count() == 0


def test_malformed_json_is_a_validation_error(resources: Resources) -> None:
    status, body, _ = call_api("POST", "/v1/generations", raw_body="{not json")
    assert status == 422
    assert body["error"]["code"] == "validation_error"
    assert job_count() == 0


def test_idempotency_key_returns_the_same_job(resources: Resources) -> None:
    put_reference(REF)
    key = {"Idempotency-Key": "4b1d0e2c-retry"}
    first_status, first, _ = call_api(
        "POST", "/v1/generations", body=generation_body(), headers=key
    )
    again_status, again, _ = call_api(
        "POST", "/v1/generations", body=generation_body(), headers=key
    )
    assert (first_status, again_status) == (202, 202)
    assert again["id"] == first["id"]
    assert job_count() == 1
    assert messages_in(resources.jobs_queue_url) == 1

    status, body, _ = call_api(
        "POST", "/v1/generations", body=generation_body(prompt="Other"), headers=key
    )
    assert (status, body["error"]["code"]) == (409, "idempotency_conflict")
    assert job_count() == 1

    # Another admin's key space is their own.
    put_reference(f"uploads/{OTHER_ADMIN_ID}/up1/1.jpg")
    status, other, _ = call_api(
        "POST",
        "/v1/generations",
        body=generation_body(
            user_id=TEST_USER_ID,
            identity_id=TEST_USER_IDENTITY,
            reference_keys=[f"uploads/{OTHER_ADMIN_ID}/up1/1.jpg"],
        ),
        headers=key,
        caller=OTHER_ADMIN_ID,
    )
    assert status == 202
    assert other["id"] != first["id"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/v1/generations"), ("POST", "/v1/generation-batches")],
)
def test_an_empty_idempotency_key_is_422_not_no_key(
    resources: Resources, method: str, path: str
) -> None:
    """Taken as no key, two different bodies with `Idempotency-Key: ` both made jobs."""
    put_reference(REF)
    for prompt in ("One", "Two"):
        status, body, _ = call_api(
            method, path, body=generation_body(prompt=prompt), headers={"Idempotency-Key": ""}
        )
        assert (status, body["error"]["code"]) == (422, "validation_error")
        assert body["error"]["details"]["field"] == "idempotency-key"
    assert job_count() == 0
    assert messages_in(resources.jobs_queue_url) == 0


def test_an_idempotency_record_expires_with_the_invocation_that_runs_it(
    resources: Resources, settings: Settings
) -> None:
    """The handler hands the Lambda context to the idempotency adapter (the logic never
    sees it): its in-progress record carries the invocation's end, so a run that crashed
    frees its key then, not after the record's TTL."""
    put_reference(REF)
    status, _, _ = call_api(
        "POST", "/v1/generations", body=generation_body(), headers={"Idempotency-Key": "ctx-1"}
    )
    assert status == 202
    [record] = aws.dynamodb().scan(TableName=settings.idempotency_table_name)["Items"]
    assert "in_progress_expiration" in record


def test_a_refused_request_does_not_burn_its_idempotency_key(resources: Resources) -> None:
    key = {"Idempotency-Key": "k-1"}
    status, _, _ = call_api("POST", "/v1/generations", body=generation_body(), headers=key)
    assert status == 422  # the reference is not uploaded yet
    put_reference(REF)
    status, job, _ = call_api("POST", "/v1/generations", body=generation_body(), headers=key)
    assert status == 202
    assert job["status"] == "queued"


# --- read, list, apply -----------------------------------------------------------------
def test_get_answers_the_job_with_a_download_url_once_succeeded(settings: Settings) -> None:
    put_reference(REF)
    _, job, _ = call_api("POST", "/v1/generations", body=generation_body())
    status, queued, _ = call_api("GET", f"/v1/generations/{job['id']}")
    assert status == 200
    assert queued["status"] == "queued"
    assert queued["output"] is None

    succeed(JobStore.from_settings(settings), job["id"])
    status, done, _ = call_api("GET", f"/v1/generations/{job['id']}")
    assert done["status"] == "succeeded"
    download = httpx.get(done["output"]["url"])
    assert download.status_code == 200
    assert download.content == b"png"


def test_get_unknown_generation_is_404(resources: Resources) -> None:
    status, body, _ = call_api("GET", "/v1/generations/0123abcd")
    assert (status, body["error"]["code"]) == (404, "generation_not_found")


def test_history_is_newest_first_and_paginated(resources: Resources) -> None:
    put_reference(REF)
    ids = [
        call_api("POST", "/v1/generations", body=generation_body(prompt=str(n)))[1]["id"]
        for n in range(3)
    ]
    status, page, _ = call_api(
        "GET", "/v1/generations", query={"identity_id": ADMIN_IDENTITY, "limit": "2"}
    )
    assert status == 200
    assert [j["id"] for j in page["items"]] == [ids[2], ids[1]]
    assert page["next_cursor"]
    _, rest, _ = call_api(
        "GET",
        "/v1/generations",
        query={"identity_id": ADMIN_IDENTITY, "limit": "2", "cursor": page["next_cursor"]},
    )
    assert [j["id"] for j in rest["items"]] == [ids[0]]
    assert rest["next_cursor"] is None


def _history(limit: int, cursor: str | None = None) -> dict[str, Any]:
    query = {"identity_id": ADMIN_IDENTITY, "limit": str(limit)}
    status, page, _ = call_api(
        "GET", "/v1/generations", query=query | ({"cursor": cursor} if cursor else {})
    )
    assert status == 200
    return dict(page)


def test_a_history_page_ends_with_the_batch_it_reached(resources: Resources) -> None:
    """One click's variants are never split across pages: "Variant 1 of 3" on the first
    page and its siblings behind "Show older generations" read as three clicks."""
    put_reference(REF)
    single = call_api("POST", "/v1/generations", body=generation_body(prompt="old"))[1]["id"]
    _, batch, _ = call_api("POST", "/v1/generation-batches", body=generation_body(count=3))
    variants = [job["id"] for job in batch["items"]]
    newest = call_api("POST", "/v1/generations", body=generation_body(prompt="new"))[1]["id"]

    # Two asked: the newest job and the batch's first reached, so its two siblings come too.
    first = _history(2)
    assert [job["id"] for job in first["items"]] == [newest, *variants]
    assert first["next_cursor"]
    rest = _history(2, first["next_cursor"])
    assert [job["id"] for job in rest["items"]] == [single]
    assert rest["next_cursor"] is None


def test_a_history_page_that_ends_on_a_batch_s_last_job_reads_no_more(
    resources: Resources,
) -> None:
    put_reference(REF)
    older = call_api("POST", "/v1/generations", body=generation_body(prompt="old"))[1]["id"]
    _, batch, _ = call_api("POST", "/v1/generation-batches", body=generation_body(count=2))
    page = _history(2)
    assert [job["id"] for job in page["items"]] == [job["id"] for job in batch["items"]]
    assert [job["id"] for job in _history(2, page["next_cursor"])["items"]] == [older]


def _saved(limit: int, cursor: str | None = None) -> tuple[list[str], str | None]:
    """A page of the saved history: its job ids and its next cursor."""
    query = {"identity_id": ADMIN_IDENTITY, "limit": str(limit), "saved": "true"}
    status, page, _ = call_api(
        "GET", "/v1/generations", query=query | ({"cursor": cursor} if cursor else {})
    )
    assert status == 200, page
    return [job["id"] for job in page["items"]], page["next_cursor"]


def _save(job_id: str, settings: Settings) -> None:
    """Run a save to its end, as the worker would."""
    jobs = JobStore.from_settings(settings)
    pending = jobs.request_apply(job_id)
    assert pending is not None
    assert jobs.finish_apply(pending, error=None) is not None


def test_the_saved_history_holds_the_jobs_once_saved_and_no_sibling(
    resources: Resources, settings: Settings
) -> None:
    """The Saved view's read: the images saved to the identity, the one it shows and the
    ones replaced since, however far down the history they are; not their click's other
    variants (the whole history's page rule), and not a job that was never saved."""
    put_reference(REF)
    _, batch, _ = call_api("POST", "/v1/generation-batches", body=generation_body(count=3))
    first, *siblings = [job["id"] for job in batch["items"]]
    never = call_api("POST", "/v1/generations", body=generation_body(prompt="x"))[1]["id"]
    later = call_api("POST", "/v1/generations", body=generation_body(prompt="y"))[1]["id"]
    for job_id in [first, *siblings, never, later]:
        succeed(JobStore.from_settings(settings), job_id)
    _save(first, settings)
    _save(later, settings)
    # Saved again (an Undo back to it) and on its way: still once saved.
    assert JobStore.from_settings(settings).request_apply(first) is not None

    assert _saved(20) == ([later, first], None)
    page, cursor = _saved(1)
    assert page == [later]
    assert _saved(1, cursor) == ([first], None)
    # The whole history is unchanged by it.
    assert len(_history(20)["items"]) == 5


def test_a_saved_page_reads_a_bounded_number_of_jobs_and_says_where_it_stopped(
    resources: Resources, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saves far down a long history: a page reads at most so many jobs, then answers what
    it found (here nothing) with the cursor that reads on from there."""
    from identity_images.adapters import job_history

    monkeypatch.setattr(job_history, "SAVED_READ_ITEMS", 2)
    monkeypatch.setattr(job_history, "SAVED_PAGE_READS", 2)
    put_reference(REF)
    saved = call_api("POST", "/v1/generations", body=generation_body(prompt="s"))[1]["id"]
    succeed(JobStore.from_settings(settings), saved)
    _save(saved, settings)
    for n in range(5):
        call_api("POST", "/v1/generations", body=generation_body(prompt=str(n)))

    first, cursor = _saved(20)
    assert first == []
    assert cursor is not None
    found: list[str] = []
    while cursor is not None:
        page, cursor = _saved(20, cursor)
        found += page
    assert found == [saved]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"identity_id": ADMIN_IDENTITY, "saved": "maybe"}, "saved"),
        ({"identity_id": ADMIN_IDENTITY, "cursor": "bm90LWEtY3Vyc29y"}, "cursor"),
        ({"identity_id": ADMIN_IDENTITY, "limit": "0"}, "limit"),
        ({}, "identity_id"),
    ],
    ids=["bad-saved", "bad-cursor", "bad-limit", "no-identity"],
)
def test_history_refuses_bad_queries(
    resources: Resources, query: dict[str, str], field: str
) -> None:
    status, body, _ = call_api("GET", "/v1/generations", query=query)
    assert status == 422
    assert body["error"]["details"]["field"] == field


def _cursor(**key: str) -> str:
    raw = json.dumps(key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "key",
    [
        {"job_id": "", "created_at": "2026-01-02T03:04:05.000000Z"},
        {"job_id": "a" * 1400, "created_at": "2026-01-02T03:04:05.000000Z"},
        {"job_id": "0123abcd", "created_at": ""},
        {"job_id": "0123abcd", "created_at": "x" * 1400},
        {"job_id": "0123abcd", "created_at": "2026-01-02"},
        {"job_id": "../etc", "created_at": "2026-01-02T03:04:05.000000Z"},
    ],
    ids=["empty-job-id", "long-job-id", "empty-time", "long-time", "short-time", "odd-job-id"],
)
def test_history_refuses_a_cursor_holding_what_no_page_hands_out(
    resources: Resources, key: dict[str, str]
) -> None:
    """Type-correct but empty or oversized key values would be a 500 against DynamoDB."""
    cursor = _cursor(identity_id=ADMIN_IDENTITY, **key)
    status, body, _ = call_api(
        "GET", "/v1/generations", query={"identity_id": ADMIN_IDENTITY, "cursor": cursor}
    )
    assert status == 422, body
    assert body["error"]["details"]["field"] == "cursor"


def test_apply_needs_a_succeeded_job_and_queues_once(
    resources: Resources, settings: Settings
) -> None:
    put_reference(REF)
    _, job, _ = call_api("POST", "/v1/generations", body=generation_body())
    receive_event(resources.jobs_queue_url)  # take the generate message away
    aws.sqs().purge_queue(QueueUrl=resources.jobs_queue_url)

    status, body, _ = call_api("POST", f"/v1/generations/{job['id']}/apply")
    assert (status, body["error"]["code"]) == (409, "generation_not_ready")
    assert messages_in(resources.jobs_queue_url) == 0

    succeed(JobStore.from_settings(settings), job["id"])
    status, applied, _ = call_api("POST", f"/v1/generations/{job['id']}/apply")
    assert status == 202
    requested_at = applied["apply"].pop("requested_at")
    assert applied["apply"] == {
        "status": "pending",
        "attempt": 1,
        "error": None,
        "applied_at": None,
    }
    assert requested_at > job["created_at"]  # this request's time: the newest decision
    shown = call_api("GET", f"/v1/generations/{job['id']}")[1]["output"]
    assert shown["url"] is not None
    # The tab shows the answer as the job: its image stays on screen.
    assert applied["output"].keys() == shown.keys()
    assert None not in (applied["output"]["url"], applied["output"]["download_url"])
    status, again, _ = call_api("POST", f"/v1/generations/{job['id']}/apply")
    assert status == 202
    assert again["apply"]["attempt"] == 1
    assert again["output"]["url"] is not None
    assert bodies(receive_event(resources.jobs_queue_url)) == [
        {"job_id": job["id"], "action": "apply"}
    ]


# --- a queue that does not take the message ------------------------------------------
def _queue_that_refuses(monkeypatch: pytest.MonkeyPatch, resources: Resources) -> None:
    missing = resources.jobs_queue_url.rsplit("/", 1)[0] + "/no-such-queue"
    monkeypatch.setitem(
        api.app.dependency_overrides, deps.job_queue, lambda **_: JobQueue(aws.sqs(), missing)
    )


def test_a_job_that_cannot_be_queued_ends_failed_not_stranded(
    resources: Resources, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_reference(REF)
    _queue_that_refuses(monkeypatch, resources)
    status, body, _ = call_api("POST", "/v1/generations", body=generation_body())
    assert (status, body["error"]["code"]) == (503, "queue_unavailable")
    [job] = JobStore.from_settings(settings).list_for_identity(ADMIN_IDENTITY, limit=5).jobs
    assert job.status == "failed"
    assert job.error is not None
    assert job.error.code == "queue_unavailable"
    assert job.error.details == {"job_id": job.id}  # the error as raised, whole


def test_an_apply_that_cannot_be_queued_ends_failed_not_pending(
    resources: Resources, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_reference(REF)
    _, job, _ = call_api("POST", "/v1/generations", body=generation_body())
    store = JobStore.from_settings(settings)
    succeed(store, job["id"])
    _queue_that_refuses(monkeypatch, resources)
    status, body, _ = call_api("POST", f"/v1/generations/{job['id']}/apply")
    assert (status, body["error"]["code"]) == (503, "queue_unavailable")
    stored = store.require(job["id"])
    assert stored.apply.status == "failed"
    assert stored.apply.error is not None
    assert stored.apply.error.code == "queue_unavailable"
    assert stored.apply.error.details == {"job_id": job["id"]}
    # Nothing is lost: the image is still there and the apply can be asked again.
    monkeypatch.delitem(api.app.dependency_overrides, deps.job_queue)
    status, again, _ = call_api("POST", f"/v1/generations/{job['id']}/apply")
    assert (status, again["apply"]["status"]) == (202, "pending")
