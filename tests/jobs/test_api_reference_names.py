"""The photos' file names a generation keeps (`reference_names`): given with the keys,
answered back, carried to a re-run and a refinement; refused when they do not fit."""

from __future__ import annotations

from typing import Any

import pytest

from local_stack.aws_resources import Resources
from tests.jobs.helpers import REF, generation_body, succeed_with_preview
from tests.support.aws_state import job_count, put_reference
from tests.support.lambdas import call_api

pytestmark = pytest.mark.usefixtures("api_app")


def create(**overrides: Any) -> tuple[int, dict[str, Any]]:
    put_reference(REF)
    status, body, _ = call_api("POST", "/v1/generation-batches", body=generation_body(**overrides))
    return status, body


def test_names_are_kept_with_the_job_and_a_path_is_reduced_to_its_file(
    resources: Resources,
) -> None:
    status, batch = create(reference_names=["C:\\Users\\ada\\Pictures\\beach day.jpg"], count=2)
    assert status == 202
    assert [job["reference_names"] for job in batch["items"]] == [["beach day.jpg"]] * 2
    _, job, _ = call_api("GET", f"/v1/generations/{batch['items'][0]['id']}")
    assert job["reference_names"] == ["beach day.jpg"]


def test_without_names_a_job_has_none(resources: Resources) -> None:
    status, batch = create()
    assert status == 202
    assert batch["items"][0]["reference_names"] == []


def test_a_rerun_and_a_refinement_keep_the_parents_names(resources: Resources) -> None:
    _, batch = create(reference_names=["portrait.png"])
    parent = batch["items"][0]
    succeed_with_preview(parent["id"])
    for route, body in (("rerun", {}), ("refine", {"instruction": "darker"})):
        status, derived, _ = call_api("POST", f"/v1/generations/{parent['id']}/{route}", body=body)
        assert status == 202, derived
        assert derived["items"][0]["reference_names"] == ["portrait.png"]


@pytest.mark.parametrize(
    ("names", "says"),
    [
        (["a.jpg", "b.jpg"], "2 names for 1 reference_keys; give one per key"),
        ([""], "at least 1 character"),
        (["x" * 256], "at most 255 characters"),
        (["a\nb.jpg"], "line break or tab"),
        (["a\u2028b.jpg"], "line break or tab"),
        (["\u202egpj.exe"], "U+202E"),
        (["photos/"], "has no file name in it"),
        (["   "], "has no file name in it"),
        ("a.jpg", "valid list"),
    ],
    ids=[
        "count",
        "empty",
        "long",
        "newline",
        "line-separator",
        "bidi",
        "folder",
        "blank",
        "not-a-list",
    ],
)
def test_names_that_do_not_fit_are_refused_and_change_nothing(
    resources: Resources, names: object, says: str
) -> None:
    status, body = create(reference_names=names)
    assert (status, body["error"]["code"]) == (422, "validation_error"), body
    assert body["error"]["details"]["field"].startswith("reference_names")
    assert says in " ".join(error["message"] for error in body["error"]["details"]["errors"])
    assert job_count() == 0
