"""The routes the Images tab needs: config, variants, refine, re-run, cancel, previews and
downloads, identities with image URLs. REST proxy events through `handlers.api.handler`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from identity_images.adapters import aws
from identity_images.adapters.job_store import JobStore
from identity_images.bucket_layout import BucketLayout
from identity_images.models.jobs import Job, JobOutput, PreparedReferenceInfo, Rendition
from identity_images.settings import Settings, get_settings
from local_stack.aws_resources import Resources
from tests.jobs.helpers import REF, generation_body
from tests.support.aws_state import bodies, job_count, messages_in, put_reference
from tests.support.fakes import (
    ADMIN_ID,
    ADMIN_IDENTITY,
    OTHER_ADMIN_ID,
    OTHER_ADMIN_IDENTITY,
    OTHER_USER_ID,
    OTHER_USER_IDENTITY,
    TEST_USER_ID,
    TEST_USER_IDENTITY,
    FakeHost,
)
from tests.support.lambdas import call_api, receive_event

pytestmark = pytest.mark.usefixtures("api_app")

REF2 = f"uploads/{ADMIN_ID}/up1/2.jpg"
LAYOUT = BucketLayout()


def store() -> JobStore:
    return JobStore.from_settings(get_settings())


def put(key: str, data: bytes, content_type: str) -> None:
    aws.s3().put_object(Bucket="identity-images", Key=key, Body=data, ContentType=content_type)


def succeed(job_id: str, *, prepared: bool = True) -> Job:
    """Run a job's claim and success by hand, with a preview and prepared references."""
    jobs = store()
    claimed = jobs.claim(job_id, lease_s=60)
    assert claimed is not None
    key = LAYOUT.output_key(claimed.identity_id, job_id, "image/png")
    small = LAYOUT.preview_key(claimed.identity_id, job_id, "image/jpeg")
    put(key, b"png", "image/png")
    put(small, b"jpg", "image/jpeg")
    output = JobOutput(
        key=key,
        mime_type="image/png",
        width=4096,
        height=2304,
        bytes=3,
        preview=Rendition(key=small, mime_type="image/jpeg", width=768, height=432, bytes=3),
    )
    done = jobs.succeed(claimed, output=output, usage=None, model="m")
    assert done is not None
    if prepared:
        refs = []
        for index, source in enumerate(claimed.reference_keys):
            ref_key = LAYOUT.prepared_reference_key(claimed.identity_id, job_id, index)
            put(ref_key, b"ref", "image/jpeg")
            refs.append(
                PreparedReferenceInfo(
                    index=index, key=ref_key, source_key=source, width=8, height=8, bytes=3
                )
            )
        aws.dynamodb().update_item(
            TableName=get_settings().jobs_table_name,
            Key={"job_id": {"S": job_id}},
            UpdateExpression="SET prepared_references = :refs",
            ExpressionAttributeValues={
                ":refs": {
                    "L": [
                        {
                            "M": {
                                k: {"N": str(v)} if isinstance(v, int) else {"S": str(v)}
                                for k, v in ref.model_dump(exclude={"preview_url"}).items()
                            }
                        }
                        for ref in refs
                    ]
                }
            },
        )
    return jobs.require(job_id)


def foreign_job() -> Job:
    """A job for another admin's own identity (not a test user's)."""
    job = Job.new(
        identity_id=OTHER_ADMIN_IDENTITY,
        identity_name="Grace",
        user_id=OTHER_ADMIN_ID,
        created_by=OTHER_ADMIN_ID,
        reference_keys=[f"uploads/{OTHER_ADMIN_ID}/u/1.jpg"],
        prompt="",
        aspect_ratio="1:1",
        image_size="1K",
        apply=False,
    )
    store().create(job)
    return job


def create_one() -> dict[str, Any]:
    put_reference(REF)
    status, job, _ = call_api("POST", "/v1/generations", body=generation_body())
    assert status == 202
    return dict(job)


# --- config ------------------------------------------------------------------------------
def test_config_is_the_settings_the_api_validates_with(
    monkeypatch: pytest.MonkeyPatch, resources: Resources
) -> None:
    monkeypatch.setenv("VARIANTS_MAX", "3")
    monkeypatch.setenv("UPLOAD_MAX_FILES", "4")
    monkeypatch.setenv("PROMPT_MAX_CHARS", "500")
    get_settings.cache_clear()
    status, config, _ = call_api("GET", "/v1/config")
    assert status == 200
    assert config["max_variants"] == 3
    assert config["max_reference_files"] == 4
    assert config["prompt_max_chars"] == 500
    assert config["reference_max_bytes"] == 15 * 1024 * 1024
    assert (config["default_aspect_ratio"], config["default_image_size"]) == ("16:9", "4K")
    assert "16:9" in config["aspect_ratios"]
    assert config["image_sizes"] == ["1K", "2K", "4K"]
    assert config["model"] == "gemini-3-pro-image"
    types = {t["mime_type"]: t["extensions"] for t in config["accepted_types"]}
    assert types["image/heic"] == [".heic"]
    assert types["image/heif"] == [".heif"]
    assert types["image/jpeg"] == [".jpg", ".jpeg"]
    prices = {p["image_size"]: p["estimated_usd"] for p in config["prices"]}
    assert prices == {"1K": 0.134, "2K": 0.134, "4K": 0.24}

    # The limits it announces are the ones enforced.
    put_reference(REF)
    status, body, _ = call_api(
        "POST", "/v1/generation-batches", body=generation_body(count=4, prompt="x" * 10)
    )
    assert (status, body["error"]["details"]["field"]) == (422, "count")
    status, body, _ = call_api("POST", "/v1/generations", body=generation_body(prompt="x" * 501))
    assert (status, body["error"]["details"]["field"]) == (422, "prompt")


# --- variants ----------------------------------------------------------------------------
def test_variants_are_n_jobs_of_one_batch_listed_together(resources: Resources) -> None:
    put_reference(REF)
    before = call_api("POST", "/v1/generations", body=generation_body(prompt="before"))[1]
    status, batch, _ = call_api("POST", "/v1/generation-batches", body=generation_body(count=3))
    after = call_api("POST", "/v1/generations", body=generation_body(prompt="after"))[1]
    assert status == 202
    items = batch["items"]
    assert [j["batch_index"] for j in items] == [0, 1, 2]
    assert {j["batch_id"] for j in items} == {batch["batch_id"]}
    assert {j["batch_size"] for j in items} == {3}
    assert {j["status"] for j in items} == {"queued"}
    assert {j["identity_name"] for j in items} == {"Ada"}
    assert len({j["id"] for j in items}) == 3
    assert before["batch_id"] is None

    sent = {b["job_id"] for b in bodies(receive_event(resources.jobs_queue_url))}
    assert {j["id"] for j in items} <= sent
    assert job_count() == 5

    _, page, _ = call_api("GET", "/v1/generations", query={"identity_id": ADMIN_IDENTITY})
    assert [j["id"] for j in page["items"]] == [
        after["id"],
        *(j["id"] for j in items),
        before["id"],
    ]


@pytest.mark.parametrize("count", [0, 5, 11, "2", True], ids=["zero", "over", "ceil", "s", "b"])
def test_a_variant_count_out_of_range_is_refused_and_changes_nothing(
    resources: Resources, count: object
) -> None:
    put_reference(REF)
    status, body, _ = call_api("POST", "/v1/generation-batches", body=generation_body(count=count))
    assert status == 422
    assert body["error"]["code"] == "validation_error"
    assert body["error"]["details"]["field"] == "count"
    assert job_count() == 0
    assert messages_in(resources.jobs_queue_url) == 0


def test_variants_are_idempotent_as_a_whole(resources: Resources) -> None:
    put_reference(REF)
    key = {"Idempotency-Key": "variants-1"}
    status, first, _ = call_api(
        "POST", "/v1/generation-batches", body=generation_body(count=2), headers=key
    )
    assert status == 202
    status, again, _ = call_api(
        "POST", "/v1/generation-batches", body=generation_body(count=2), headers=key
    )
    assert status == 202
    assert again["batch_id"] == first["batch_id"]
    assert [j["id"] for j in again["items"]] == [j["id"] for j in first["items"]]
    assert job_count() == 2
    status, body, _ = call_api(
        "POST", "/v1/generation-batches", body=generation_body(count=3), headers=key
    )
    assert (status, body["error"]["code"]) == (409, "idempotency_conflict")
    assert job_count() == 2


def test_variants_for_another_admins_identity_are_forbidden(resources: Resources) -> None:
    put_reference(REF)
    status, body, _ = call_api(
        "POST",
        "/v1/generation-batches",
        body=generation_body(identity_id=OTHER_USER_IDENTITY, user_id=OTHER_USER_ID, count=2),
    )
    assert (status, body["error"]["code"]) == (403, "forbidden")
    assert job_count() == 0


# --- cancel ------------------------------------------------------------------------------
def test_cancel_a_queued_job_and_again(resources: Resources) -> None:
    job = create_one()
    status, canceled, _ = call_api("POST", f"/v1/generations/{job['id']}/cancel")
    assert status == 200
    assert canceled["status"] == "canceled"
    assert canceled["canceled_at"] is not None
    assert store().claim(job["id"], lease_s=60) is None  # a worker can never take it
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


def test_cancel_of_a_running_job_is_409_generation_running(resources: Resources) -> None:
    job = create_one()
    assert store().claim(job["id"], lease_s=60) is not None
    status, body, _ = call_api("POST", f"/v1/generations/{job['id']}/cancel")
    assert (status, body["error"]["code"]) == (409, "generation_running")
    assert store().require(job["id"]).status == "running"


def test_cancel_of_a_finished_job_is_409_generation_finished(resources: Resources) -> None:
    job = create_one()
    succeed(job["id"])
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


# --- refine ------------------------------------------------------------------------------
def test_refine_edits_the_parents_output_with_its_references(resources: Resources) -> None:
    parent = create_one()
    done = succeed(parent["id"])
    aws.sqs().purge_queue(QueueUrl=resources.jobs_queue_url)
    status, batch, _ = call_api(
        "POST",
        f"/v1/generations/{parent['id']}/refine",
        body={"instruction": "Make the background darker", "count": 2},
    )
    assert status == 202
    assert len(batch["items"]) == 2
    for child in batch["items"]:
        assert child["kind"] == "refine"
        assert child["parent_generation_id"] == parent["id"]
        assert child["instruction"] == "Make the background darker"
        assert child["edit_source_key"] == done.output.key  # type: ignore[union-attr]
        assert child["reference_keys"] == [r.key for r in done.prepared_references]
        assert child["prompt"] == done.prompt
        assert (child["aspect_ratio"], child["image_size"]) == ("1:1", "1K")
        assert child["batch_id"] == batch["batch_id"]
    sent = {b["job_id"] for b in bodies(receive_event(resources.jobs_queue_url))}
    assert sent == {j["id"] for j in batch["items"]}


def test_refine_of_an_unfinished_generation_is_409(resources: Resources) -> None:
    parent = create_one()
    status, body, _ = call_api(
        "POST", f"/v1/generations/{parent['id']}/refine", body={"instruction": "darker"}
    )
    assert (status, body["error"]["code"]) == (409, "generation_not_ready")
    assert job_count() == 1


def test_refine_of_a_foreign_generation_is_forbidden(resources: Resources) -> None:
    job = foreign_job()
    status, body, _ = call_api(
        "POST", f"/v1/generations/{job.id}/refine", body={"instruction": "darker"}
    )
    assert (status, body["error"]["code"]) == (403, "forbidden")
    assert job_count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"instruction": ""}, "instruction"),
        ({}, "instruction"),
        ({"instruction": "x" * 2001}, "instruction"),
        ({"instruction": "darker", "count": 9}, "count"),
        ({"instruction": "darker", "extra": 1}, "extra"),
        ({"instruction": "darker", "apply": "yes"}, "apply"),
        ({"instruction": "dark\u001b[31mer"}, "instruction"),
        ({"instruction": "darker\u202e"}, "instruction"),
    ],
    ids=["empty", "missing", "too-long", "count", "extra", "apply-string", "ansi", "bidi"],
)
def test_refine_refuses_bad_bodies(resources: Resources, body: dict[str, Any], field: str) -> None:
    parent = create_one()
    succeed(parent["id"])
    status, answer, _ = call_api("POST", f"/v1/generations/{parent['id']}/refine", body=body)
    assert status == 422
    assert answer["error"]["details"]["field"] == field
    assert job_count() == 1


# --- re-run ------------------------------------------------------------------------------
def test_rerun_uses_the_kept_references_after_the_uploads_expired(
    resources: Resources,
) -> None:
    parent = create_one()
    done = succeed(parent["id"])
    aws.s3().delete_object(Bucket="identity-images", Key=REF)  # uploads/ expired
    status, batch, _ = call_api("POST", f"/v1/generations/{parent['id']}/rerun", body={})
    assert status == 202
    (child,) = batch["items"]
    assert child["kind"] == "rerun"
    assert child["parent_generation_id"] == parent["id"]
    assert child["reference_keys"] == [r.key for r in done.prepared_references]
    assert child["instruction"] is None
    assert child["edit_source_key"] is None


def test_rerun_of_a_canceled_job_reads_its_uploads(resources: Resources) -> None:
    parent = create_one()
    call_api("POST", f"/v1/generations/{parent['id']}/cancel")
    status, batch, _ = call_api(
        "POST", f"/v1/generations/{parent['id']}/rerun", body={"count": 2, "apply": True}
    )
    assert status == 202
    assert [j["reference_keys"] for j in batch["items"]] == [[REF], [REF]]
    assert {j["apply"]["status"] for j in batch["items"]} == {"pending"}


def test_rerun_without_kept_references_or_uploads_is_422(resources: Resources) -> None:
    parent = create_one()
    call_api("POST", f"/v1/generations/{parent['id']}/cancel")
    aws.s3().delete_object(Bucket="identity-images", Key=REF)
    status, body, _ = call_api("POST", f"/v1/generations/{parent['id']}/rerun", body={})
    assert (status, body["error"]["code"]) == (422, "reference_not_found")
    assert body["error"]["details"] == {"generation_id": parent["id"], "key": REF, "index": 0}


def test_rerun_of_an_unfinished_generation_is_409(resources: Resources) -> None:
    parent = create_one()
    status, body, _ = call_api("POST", f"/v1/generations/{parent['id']}/rerun", body={})
    assert (status, body["error"]["code"]) == (409, "generation_not_finished")
    assert job_count() == 1


def test_rerun_of_a_foreign_generation_is_forbidden(resources: Resources) -> None:
    job = foreign_job()
    status, body, _ = call_api("POST", f"/v1/generations/{job.id}/rerun", body={})
    assert (status, body["error"]["code"]) == (403, "forbidden")


def test_rerun_is_idempotent_per_generation(resources: Resources) -> None:
    parent = create_one()
    succeed(parent["id"])
    key = {"Idempotency-Key": "again-1"}
    path = f"/v1/generations/{parent['id']}/rerun"
    first = call_api("POST", path, body={}, headers=key)[1]
    second = call_api("POST", path, body={}, headers=key)[1]
    assert first["batch_id"] == second["batch_id"]
    assert job_count() == 2


# --- the job's URLs --------------------------------------------------------------------
def test_a_succeeded_job_gives_preview_download_and_reference_urls(
    resources: Resources, settings: Settings
) -> None:
    job = create_one()
    succeed(job["id"])
    status, done, _ = call_api("GET", f"/v1/generations/{job['id']}")
    assert status == 200
    output = done["output"]
    assert httpx.get(output["preview_url"]).content == b"jpg"
    assert httpx.get(output["url"]).content == b"png"
    assert output["filename"].startswith("ada-")
    assert output["filename"].endswith(".png")
    download = httpx.get(output["download_url"])
    assert download.content == b"png"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="{output["filename"]}"' in disposition
    (ref,) = done["prepared_references"]
    assert ref["index"] == 0
    assert ref["source_key"] == REF
    assert httpx.get(ref["preview_url"]).content == b"ref"

    _, page, _ = call_api("GET", "/v1/generations", query={"identity_id": ADMIN_IDENTITY})
    assert page["items"][0]["output"]["preview_url"]


def test_the_table_never_stores_urls(resources: Resources) -> None:
    job = create_one()
    succeed(job["id"])
    call_api("GET", f"/v1/generations/{job['id']}")
    item = aws.dynamodb().get_item(
        TableName=get_settings().jobs_table_name, Key={"job_id": {"S": job["id"]}}
    )["Item"]
    assert set(item["output"]["M"]).isdisjoint({"url", "preview_url", "download_url"})
    assert "preview" in item["output"]["M"]
    for ref in item["prepared_references"]["L"]:
        assert "preview_url" not in ref["M"]


# --- identities --------------------------------------------------------------------------
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


# --- the schema --------------------------------------------------------------------------
def test_openapi_has_the_tabs_routes_and_fields(resources: Resources) -> None:
    status, schema, _ = call_api("GET", "/v1/openapi.json")
    assert status == 200
    paths = schema["paths"]
    assert "get" in paths["/v1/config"]
    assert "post" in paths["/v1/generation-batches"]
    for action in ("refine", "rerun", "cancel"):
        assert "post" in paths[f"/v1/generations/{{generation_id}}/{action}"], action
    components = schema["components"]["schemas"]
    job = components["Job"]["properties"]
    for name in (
        "stage",
        "stage_started_at",
        "timings",
        "last_error",
        "next_attempt_at",
        "attempts",
        "max_attempts",
        "batch_id",
        "parent_generation_id",
        "instruction",
        "prepared_references",
        "kind",
    ):
        assert name in job, name
    output = components["JobOutput"]["properties"]
    assert {"preview_url", "download_url", "filename", "preview"} <= set(output)
    assert "details" in components["JobError"]["properties"]
    assert "image_url" in components["HostIdentity"]["properties"]
    assert "canceled" in components["Job"]["properties"]["status"]["enum"]
    assert {"ApiConfig", "GenerationBatch", "RefineRequest", "RerunRequest"} <= set(components)


# --- the local stack's bucket ------------------------------------------------------------
def test_the_local_bucket_expires_prepared_references_after_their_jobs(
    settings: Settings,
) -> None:
    answer = aws.s3().get_bucket_lifecycle_configuration(Bucket=settings.bucket_name)
    rules = {rule["ID"]: rule for rule in answer["Rules"]}
    prepared = rules["expire-prepared-references"]
    assert prepared["Filter"]["Prefix"] == "prepared/"
    assert prepared["Expiration"]["Days"] > settings.job_ttl_days
    # Current objects expire under these two prefixes only (the other rule, from
    # infra/resource_spec.py as in the CDK app, ends old versions and delete markers).
    expiring = sorted(
        rule["Filter"]["Prefix"] for rule in rules.values() if "Days" in rule.get("Expiration", {})
    )
    assert expiring == ["prepared/", "uploads/"]
