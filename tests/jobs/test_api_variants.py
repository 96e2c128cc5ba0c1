"""Variants, `POST /v1/generation-batches` (the generations router,
`handlers/routes/generations.py`): N jobs of one batch, queued and listed together, the
count's range, idempotency of the whole batch, and whose identity it may be for."""

from __future__ import annotations

import json

import pytest

from local_stack.aws_resources import Resources
from tests.jobs.helpers import REF, create_one, generation_body, store, succeed
from tests.support.aws_state import bodies, job_count, messages_in, put_reference
from tests.support.fakes import ADMIN_IDENTITY, OTHER_USER_ID, OTHER_USER_IDENTITY
from tests.support.lambdas import call_api, receive_event

pytestmark = pytest.mark.usefixtures("api_app")


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


@pytest.mark.parametrize("count", [5, 10, 11, 10**30], ids=["over", "ceiling", "past", "huge"])
@pytest.mark.parametrize("route", ["variants", "refine", "rerun"])
def test_a_count_over_the_limit_is_told_the_real_limit(
    resources: Resources, count: int, route: str
) -> None:
    """Past the schema's ceiling (10) the answer said "less than or equal to 10", though
    the limit is `max_variants` (4)."""
    put_reference(REF)
    if route == "variants":
        path, body = "/v1/generation-batches", generation_body(count=count)
    else:
        parent = create_one()
        succeed(store(), parent["id"])
        path = f"/v1/generations/{parent['id']}/{route}"
        body = {"count": count, **({"instruction": "Darker"} if route == "refine" else {})}
    status, answer, _ = call_api("POST", path, body=body)
    assert status == 422, answer
    assert answer["error"]["message"] == f"Ask for 1 to 4 variants; got {count}."
    assert answer["error"]["details"] == {"field": "count", "min": 1, "max": 4}
    assert job_count() == (0 if route == "variants" else 1)


def test_the_schema_says_where_the_count_limit_is() -> None:
    from identity_images.handlers.api import openapi_json

    schemas = json.loads(openapi_json())["components"]["schemas"]
    for name in ("CreateVariantsRequest", "RefineRequest", "RerunRequest"):
        count = schemas[name]["properties"]["count"]
        assert (count["minimum"], count["maximum"]) == (1, 10)
        assert "`max_variants` of `GET /v1/config`" in count["description"]


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
