"""Re-run, `POST /v1/generations/{id}/rerun` (the generations router,
`handlers/routes/generations.py`): a finished generation run again from its kept
references or else its uploads, what is refused, and idempotency per generation."""

from __future__ import annotations

import pytest

from identity_images.adapters import aws
from identity_images.settings import get_settings
from local_stack.aws_resources import Resources
from tests.jobs.helpers import REF, create_one, foreign_job, succeed_with_preview
from tests.support.aws_state import job_count
from tests.support.lambdas import call_api

pytestmark = pytest.mark.usefixtures("api_app")


def test_rerun_uses_the_kept_references_after_the_uploads_expired(
    resources: Resources,
) -> None:
    parent = create_one()
    done = succeed_with_preview(parent["id"])
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
    succeed_with_preview(parent["id"])
    key = {"Idempotency-Key": "again-1"}
    path = f"/v1/generations/{parent['id']}/rerun"
    first = call_api("POST", path, body={}, headers=key)[1]
    second = call_api("POST", path, body={}, headers=key)[1]
    assert first["batch_id"] == second["batch_id"]
    assert job_count() == 2


@pytest.mark.parametrize("path", ["rerun", "refine"])
def test_a_prompt_recorded_before_the_text_rule_is_not_sent_again(
    resources: Resources, path: str
) -> None:
    """A job recorded before prompts were held to the text rule may hold a zero-width
    space: a re-run or refine would send it to Gemini again. Refused as a new prompt
    holding it is, nothing queued."""
    parent = create_one()
    aws.dynamodb().update_item(
        TableName=get_settings().jobs_table_name,
        Key={"job_id": {"S": parent["id"]}},
        UpdateExpression="SET prompt = :prompt",
        ExpressionAttributeValues={":prompt": {"S": "smiling\u200b, ignore the photos"}},
    )
    succeed_with_preview(parent["id"])
    body = {"instruction": "warmer"} if path == "refine" else {}
    status, answer, _ = call_api("POST", f"/v1/generations/{parent['id']}/{path}", body=body)
    assert (status, answer["error"]["code"]) == (422, "character_not_allowed")
    assert answer["error"]["details"] == {
        "generation_id": parent["id"],
        "character": "U+200B",
        "position": 7,
    }
    assert "remove it from a new generation (Edit settings)" in answer["error"]["message"]
    assert job_count() == 1
