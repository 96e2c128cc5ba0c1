"""The photos' file names a generation keeps (`reference_names`): given with the keys,
answered back, carried to a re-run and a refinement; refused when they do not fit."""

from __future__ import annotations

from typing import Any

import pytest

from local_stack.aws_resources import Resources
from tests.jobs.helpers import REF, generation_body, succeed_with_preview
from tests.support.aws_state import job_count, put_reference
from tests.support.fakes import ADMIN_IDENTITY
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
        (["photos/"], "has no file name in it"),
        (["   "], "has no file name in it"),
        ("a.jpg", "valid list"),
    ],
    ids=[
        "count",
        "empty",
        "long",
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


#: File names that would read as another name, or break a line where they are shown.
HIDING_NAMES = {
    "nul": ("a\x00.jpg", "U+0000", 1, "a control character"),
    "line-feed": ("a\nb.jpg", "U+000A", 1, "a line break"),
    "line-separator": ("a\u2028b.jpg", "U+2028", 1, "a line break"),
    "tab": ("a\tb.jpg", "U+0009", 1, "a tab"),
    "escape": ("\x1b[2Ja.jpg", "U+001B", 0, "a control character"),
    "del": ("a\x7f.jpg", "U+007F", 1, "a control character"),
    **{
        f"bidi-{ord(c):04X}": (f"photo{c}gpj.exe", f"U+{ord(c):04X}", 5, "a bidi control")
        for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    },
    "zero-width": ("pho\u200bto.jpg", "U+200B", 3, "an invisible character"),
}


def _name_refusals(name: str) -> list[dict[str, Any]]:
    """The answers of the three routes that take a file name, each for `name`."""
    file = {"content_type": "image/jpeg", "size": 10, "filename": name}
    answers = [
        create(reference_names=[name]),
        call_api("POST", "/v1/uploads", body={"files": [file]})[:2],
        call_api("POST", f"/v1/identities/{ADMIN_IDENTITY}/references", body={"files": [file]})[:2],
    ]
    errors = []
    for status, body in answers:
        assert status == 422, body
        errors.append(body["error"])
    return errors


@pytest.mark.parametrize(
    ("name", "character", "position", "kind"), HIDING_NAMES.values(), ids=HIDING_NAMES.keys()
)
def test_a_file_name_that_could_hide_what_it_is_is_refused_alike_by_every_route(
    resources: Resources, name: str, character: str, position: int, kind: str
) -> None:
    """`POST /v1/uploads` and `POST …/references` took any `filename` (a NUL, an escape, a
    right-to-left override making `photo\u202egpj.exe` read `photoexe.jpg`) where
    `reference_names` refused them as `validation_error`. One rule now, one answer:
    422 `character_not_allowed`, the same words, naming the character and where."""
    errors = _name_refusals(name)
    fields = ["reference_names.0", "files.0.filename", "files.0.filename"]
    for error, field in zip(errors, fields, strict=True):
        assert error["code"] == "character_not_allowed", error
        assert error["details"] == {"field": field, "character": character, "position": position}
        assert error["message"].startswith(f"The file name holds {kind} at character ")
    assert len({error["message"] for error in errors}) == 1
    assert job_count() == 0


def test_a_file_name_in_any_script_is_fine_on_every_route(resources: Resources) -> None:
    name = "می‌خواهم portrait 日本 ❤️‍🔥.jpg"
    status, body = create(reference_names=[name])
    assert status == 202, body
    assert body["items"][0]["reference_names"] == [name]
    file = {"content_type": "image/jpeg", "size": 10, "filename": name}
    assert call_api("POST", "/v1/uploads", body={"files": [file]})[0] == 201
