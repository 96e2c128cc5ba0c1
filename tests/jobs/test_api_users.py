"""The users router (`handlers/routes/users.py`): the caller and the test users, whose
identities an admin may see, and the image URL each identity carries. Its `/v1/config` is
in `test_api_config.py`."""

from __future__ import annotations

import json

import httpx
import pytest

from identity_images.models.jobs import Job, JobOutput
from local_stack.aws_resources import Resources
from tests.jobs.helpers import (
    LAYOUT,
    REF,
    create_one,
    generation_body,
    put,
    store,
    succeed,
    succeed_with_preview,
)
from tests.support.aws_state import job_count, put_reference
from tests.support.fakes import (
    ADMIN_ID,
    ADMIN_IDENTITY,
    OTHER_USER_ID,
    TEST_USER_ID,
    TEST_USER_IDENTITY,
    FakeHost,
)
from tests.support.lambdas import call_api

pytestmark = pytest.mark.usefixtures("api_app")


# --- users -----------------------------------------------------------------------------
def test_users_are_the_caller_and_the_test_users(resources: Resources) -> None:
    status, body, _ = call_api("GET", "/v1/users")
    assert status == 200
    assert [u["id"] for u in body["users"]] == [ADMIN_ID, TEST_USER_ID]


@pytest.mark.parametrize(
    ("user_id", "status", "identities"),
    [
        ("me", 200, [ADMIN_IDENTITY]),
        (ADMIN_ID, 200, [ADMIN_IDENTITY]),
        (TEST_USER_ID, 200, [TEST_USER_IDENTITY]),
        (OTHER_USER_ID, 403, None),
        ("404", 403, None),
    ],
)
def test_identities_of_me_and_test_users_only(
    resources: Resources, user_id: str, status: int, identities: list[str] | None
) -> None:
    answer, body, _ = call_api("GET", f"/v1/users/{user_id}/identities")
    assert answer == status
    if identities is not None:
        assert [i["id"] for i in body["identities"]] == identities


def test_an_unknown_user_id_gets_the_same_403_as_a_known_one(resources: Resources) -> None:
    """A 404 `user_not_found` beside the 403 told any admin which user ids exist."""
    answers = []
    for user_id in (OTHER_USER_ID, "7", "0" + TEST_USER_ID):
        status, body, _ = call_api("GET", f"/v1/users/{user_id}/identities")
        assert (status, body["error"]["code"]) == (403, "forbidden")
        answers.append(json.dumps(body).replace(user_id, "{id}"))
        put_reference(REF)
        status, body, _ = call_api("POST", "/v1/generations", body=generation_body(user_id=user_id))
        assert (status, body["error"]["code"]) == (403, "forbidden")
        answers.append(json.dumps(body).replace(user_id, "{id}"))
    assert len(set(answers[0::2])) == 1
    assert len(set(answers[1::2])) == 1
    assert job_count() == 0


def test_identities_carry_an_image_url(resources: Resources, host: FakeHost) -> None:
    key = LAYOUT.output_key(ADMIN_IDENTITY, "abc", "image/png")
    put(key, b"png", "image/png")
    host.identities[ADMIN_IDENTITY] = host.identities[ADMIN_IDENTITY].model_copy(
        update={"image_path": key}
    )
    host.identities["12"] = host.identities[ADMIN_IDENTITY].model_copy(
        update={
            "id": "12",
            "image_path": "avatars/b.png",
            "image_url": "https://host.example/media/avatars/b.png",
        }
    )
    host.identities["13"] = host.identities[ADMIN_IDENTITY].model_copy(
        update={"id": "13", "image_path": None}
    )
    # a copy in the host's storage (copy mode): the host's URL, even for a pipeline-like name
    host.identities["14"] = host.identities[ADMIN_IDENTITY].model_copy(
        update={
            "id": "14",
            "image_path": "identities/job-1.png",
            "image_url": "http://127.0.0.1:8000/media/identities/job-1.png",
        }
    )
    # what a browser on the tab's origin cannot load is no URL
    for n, unusable in enumerate(("/media/x.png", "javascript:alert(1)", "https://", "x.png")):
        host.identities[f"2{n}"] = host.identities[ADMIN_IDENTITY].model_copy(
            update={"id": f"2{n}", "image_path": "avatars/x.png", "image_url": unusable}
        )
    status, body, _ = call_api("GET", "/v1/users/me/identities")
    assert status == 200
    urls = {i["id"]: i["image_url"] for i in body["identities"]}
    assert httpx.get(urls[ADMIN_IDENTITY]).content == b"png"
    assert urls["12"] == "https://host.example/media/avatars/b.png"
    assert urls["13"] is None
    assert urls["14"] == "http://127.0.0.1:8000/media/identities/job-1.png"
    assert [urls[f"2{n}"] for n in range(4)] == [None] * 4


def _shows(host: FakeHost, identity_id: str, image_path: str) -> None:
    """The admin has an identity `identity_id` whose image is `image_path`."""
    host.identities[identity_id] = host.identities[ADMIN_IDENTITY].model_copy(
        update={"id": identity_id, "image_path": image_path}
    )


def test_an_output_s_identity_carries_the_preview_its_job_stored(
    resources: Resources, host: FakeHost
) -> None:
    """The preview is the one the job that made the image stored: an image made before a
    change of `PREVIEW_FORMAT` keeps its own (a key rebuilt from today's setting answers
    404, and the tab falls back to the full image, several MB)."""
    made_as_webp = succeed_with_preview(
        create_one()["id"], prepared=False, preview_type="image/webp"
    )
    assert made_as_webp.output is not None
    _shows(host, ADMIN_IDENTITY, made_as_webp.output.key)
    # an output whose job stored no preview (it could not be made or written)
    without = create_one()["id"]
    succeed(store(), without)
    _shows(host, "12", LAYOUT.output_key(ADMIN_IDENTITY, without, "image/png"))
    # a job whose output is another key
    _shows(host, "14", LAYOUT.output_key(ADMIN_IDENTITY, made_as_webp.id, "image/jpeg"))
    # an image the pipeline did not make (a kept reference, the host's own): no preview
    _shows(host, "15", "references/identities/12/front.jpg")

    status, body, _ = call_api("GET", "/v1/users/me/identities")
    assert status == 200
    previews = {i["id"]: i["image_preview_url"] for i in body["identities"]}
    answer = httpx.get(previews[ADMIN_IDENTITY])
    assert (answer.status_code, answer.content) == (200, b"jpg")
    assert [previews[i] for i in ("12", "14", "15")] == [None] * 3


def test_an_output_s_identity_carries_its_renditions_with_their_sizes(
    resources: Resources, host: FakeHost
) -> None:
    """For an `<img srcset>`, as the tab shows a job's result (Compare lays the current image
    beside results: one sharper than the other would look better for no reason of its own):
    the small rendition, the preview and the large rendition, smallest first, each with its
    size; the preview alone for a job stored before them; none for another image."""
    made = succeed_with_preview(create_one()["id"], prepared=False, large=True, thumbnail=True)
    assert made.output is not None
    _shows(host, ADMIN_IDENTITY, made.output.key)
    older = succeed_with_preview(create_one()["id"], prepared=False)
    assert older.output is not None
    _shows(host, "12", older.output.key)
    _shows(host, "15", "references/identities/12/front.jpg")

    status, body, _ = call_api("GET", "/v1/users/me/identities")
    assert status == 200
    listed = {i["id"]: i["image_renditions"] for i in body["identities"]}
    sizes = [(r["width"], r["height"]) for r in listed[ADMIN_IDENTITY]]
    assert sizes == [(384, 216), (768, 432), (1536, 864)]
    contents = [httpx.get(r["url"]).content for r in listed[ADMIN_IDENTITY]]
    assert contents == [b"small", b"jpg", b"large"]
    assert [(r["width"], httpx.get(r["url"]).content) for r in listed["12"]] == [(768, b"jpg")]
    assert listed["15"] == []


def test_an_output_whose_job_record_expired_keeps_a_preview_in_today_s_format(
    resources: Resources, host: FakeHost
) -> None:
    """A job's record expires (`JOB_TTL_DAYS`), its output and preview stay: an identity
    saved long ago still gets a thumbnail, in the format the setting names today, rather
    than none (the tab would load every such image whole)."""
    expired = "ab" * 16
    output = LAYOUT.output_key(ADMIN_IDENTITY, expired, "image/png")
    put(output, b"png", "image/png")
    put(LAYOUT.preview_key(ADMIN_IDENTITY, expired, "image/jpeg"), b"jpg", "image/jpeg")
    _shows(host, ADMIN_IDENTITY, output)

    status, body, _ = call_api("GET", "/v1/users/me/identities")
    assert status == 200
    (listed,) = (i for i in body["identities"] if i["id"] == ADMIN_IDENTITY)
    answer = httpx.get(listed["image_preview_url"])
    assert (answer.status_code, answer.content) == (200, b"jpg")
    # What else it stored is not known: no small or large rendition that may not be there.
    assert listed["image_renditions"] == []


def test_the_jobs_table_reads_any_number_of_outputs_in_batches(resources: Resources) -> None:
    """BatchGetItem takes at most 100 keys a call and refuses a key named twice: 150 jobs
    (one named twice, plus one unknown) come back with their outputs; a job without an
    output is left out."""
    jobs = store()
    outputs: dict[str, JobOutput] = {}
    for n in range(150):
        job = Job.new(
            identity_id=ADMIN_IDENTITY,
            user_id=ADMIN_ID,
            created_by=ADMIN_ID,
            reference_keys=[f"uploads/{ADMIN_ID}/u/1.jpg"],
            prompt="",
            aspect_ratio="1:1",
            image_size="1K",
            apply=False,
        )
        if n:  # the first has no output (queued)
            key = LAYOUT.output_key(ADMIN_IDENTITY, job.id, "image/png")
            outputs[job.id] = JobOutput(key=key, mime_type="image/png", width=1, height=1, bytes=3)
            job = job.model_copy(update={"status": "succeeded", "output": outputs[job.id]})
        jobs.create(job)
        last = job.id
    asked = [*outputs, last, last, "f" * 32]
    assert jobs.outputs(asked) == outputs
