"""Each photo's size as the admin added it (`reference_bytes`), recorded with a generation:
an upload's own; a photo an earlier generation kept, the size recorded for it there, not its
kept copy's (a JPEG the worker made, 3 bytes here), from generation to generation and in a
re-run or refinement. The Images tab shows it under the photo's tile (Edit settings), where
the copy's size made one photo look like two (67 KB when added, 62 KB brought back)."""

from __future__ import annotations

from typing import Any

import pytest

from identity_images.adapters import aws
from identity_images.settings import get_settings
from local_stack.aws_resources import Resources
from tests.jobs.helpers import REF, generation_body, succeed_with_preview
from tests.support.aws_state import put_reference
from tests.support.fakes import jpeg_bytes
from tests.support.lambdas import call_api

pytestmark = pytest.mark.usefixtures("api_app")

PHOTO = jpeg_bytes(320, 240)


def created(reference_keys: list[str]) -> dict[str, Any]:
    status, batch, _ = call_api(
        "POST", "/v1/generation-batches", body=generation_body(reference_keys=reference_keys)
    )
    assert status == 202, batch
    job: dict[str, Any] = batch["items"][0]
    return job


def kept_copy(job: dict[str, Any]) -> str:
    """Runs `job` to success by hand; the key of the copy it kept of its photo."""
    done = succeed_with_preview(job["id"])
    (ref,) = done.prepared_references
    assert ref.bytes == 3  # the copy weighs something else than the photo
    return ref.key


def test_an_upload_is_recorded_with_its_size_and_a_kept_copy_with_its_photos(
    resources: Resources,
) -> None:
    put_reference(REF, PHOTO)
    first = created([REF])
    assert first["reference_bytes"] == [len(PHOTO)]
    _, read, _ = call_api("GET", f"/v1/generations/{first['id']}")
    assert read["reference_bytes"] == [len(PHOTO)]

    # Edit settings sends the copy the first kept: the photo's size goes with it, and on.
    second = created([kept_copy(first)])
    assert second["reference_bytes"] == [len(PHOTO)]
    third = created([kept_copy(second)])
    assert third["reference_bytes"] == [len(PHOTO)]


def test_a_rerun_and_a_refinement_keep_the_parents_sizes(resources: Resources) -> None:
    put_reference(REF, PHOTO)
    parent = created([REF])
    kept_copy(parent)
    for route, body in (("rerun", {}), ("refine", {"instruction": "darker"})):
        status, derived, _ = call_api("POST", f"/v1/generations/{parent['id']}/{route}", body=body)
        assert status == 202, derived
        assert derived["items"][0]["reference_bytes"] == [len(PHOTO)]


def test_a_copy_kept_by_a_generation_that_recorded_no_size_is_its_own(
    resources: Resources,
) -> None:
    """The number the tab shows for that copy (its `prepared_references` bytes), kept on."""
    put_reference(REF, PHOTO)
    older = created([REF])
    key = kept_copy(older)
    aws.dynamodb().update_item(
        TableName=get_settings().jobs_table_name,
        Key={"job_id": {"S": older["id"]}},
        UpdateExpression="REMOVE reference_bytes",
    )
    _, read, _ = call_api("GET", f"/v1/generations/{older['id']}")
    assert read["reference_bytes"] == []
    assert created([key])["reference_bytes"] == [3]
